# tests/tap.sh - the TAP helper of the shell tests, sourced after env.sh.
#   ok STATUS DESCRIPTION  one test line; STATUS 0 passes; returns STATUS, so
#                          `ok $? "..." || diag ...` shows details on failure
#   diag LINE...           diagnostic lines ("#   LINE")
#   skip N REASON          N skipped tests
#   skip_all REASON        no test can run here: the plan 1..0 and exit 0
#   done_testing           the trailing plan 1..N (TAP allows it last), then exit:
#                          0 if every test passed and at least one ran
# POSIX sh, so /bin/sh and bash tests share it.
tap_n=0
tap_failed=0
ok() {
    tap_n=$((tap_n + 1))
    if [ "$1" -eq 0 ]; then echo "ok $tap_n - $2"; else echo "not ok $tap_n - $2"; tap_failed=$((tap_failed + 1)); fi
    return "$1"
}
diag() { printf '%s\n' "$@" | sed 's/^/#   /'; }
skip() {
    _k=0
    while [ "$_k" -lt "$1" ]; do tap_n=$((tap_n + 1)); echo "ok $tap_n # SKIP $2"; _k=$((_k + 1)); done
}
skip_all() { echo "1..0 # SKIP $1"; exit 0; }
done_testing() {
    echo "1..$tap_n"
    [ "$tap_failed" -eq 0 ] && [ "$tap_n" -gt 0 ] && exit 0
    exit 1
}

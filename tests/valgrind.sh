#!/bin/bash
# make valgrind: a small singleton run of the tiny scenario under memcheck,
# with a checkpoint after every batch, then a resume from a checkpoint (which
# must restore replicates from it), then a
# refused resume of a corrupt one: the checkpoint code's read, write and
# error paths. Any memcheck error or definite leak outside the suppressed
# libraries (tests/valgrind.supp) fails (exit 99 from valgrind).
set -u
. "$(dirname "$0")/env.sh"
tmp=$(mktemp -d /tmp/parksim-valgrind.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
VG=(valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 --num-callers=40
    --suppressions="$repo/tests/valgrind.supp" --track-origins=yes)
tiny="$repo/configs/test/tiny.yaml"
fail=0
step() { # description, expected exit, command...
    local what=$1 want=$2; shift 2
    "$@" >"$tmp/log" 2>&1
    local rc=$?
    if [ "$rc" = "$want" ]; then echo "make valgrind: ok: $what"
    else echo "make valgrind: FAILED: $what (exit $rc, expected $want)"; cat "$tmp/log"; fail=1; fi
}
cd "$tmp" || exit 1
step "run with a checkpoint after every batch" 0 "${VG[@]}" "$PARKSIM" run "$tiny" -r 6 -o a.h5 -q --checkpoint-every 0
# A checkpoint to resume from: stop a plain run after its first commit.
PARKSIM_TEST_HOOK=after-commit:1 "$PARKSIM" run "$tiny" -r 6 -o b.h5 -q --checkpoint-every 0 2>/dev/null &
pid=$!
for _ in $(seq 100); do [ -n "$(ls b.h5.ckpt/seg-* 2>/dev/null)" ] && grep -q T "/proc/$pid/stat" 2>/dev/null && break; sleep 0.1; done
kill -9 $pid; wait $pid 2>/dev/null
# The resume must start from that checkpoint, or it tests only a fresh run.
if [ -n "$(ls b.h5.ckpt/seg-* 2>/dev/null)" ] && [ ! -e b.h5 ]; then echo "make valgrind: ok: a checkpoint to resume from"
else echo "make valgrind: FAILED: no checkpoint to resume from (the stop at after-commit:1 did not happen)"; fail=1; fi
step "resume from a checkpoint" 0 "${VG[@]}" "$PARKSIM" run "$tiny" -r 6 -o b.h5 -q --resume
restored=$("$PY" -c 'import sys, h5py; print(int(h5py.File(sys.argv[1], "r").attrs["replicates_restored"]))' b.h5 2>&1)
if [ "$restored" -gt 0 ] 2>/dev/null; then echo "make valgrind: ok: the resume restored $restored replicates"
else echo "make valgrind: FAILED: the resume restored nothing from the checkpoint ($restored)"; fail=1; fi
PARKSIM_TEST_HOOK=after-commit:1 "$PARKSIM" run "$tiny" -r 6 -o c.h5 -q --checkpoint-every 0 2>/dev/null &
pid=$!
for _ in $(seq 100); do [ -n "$(ls c.h5.ckpt/seg-* 2>/dev/null)" ] && grep -q T "/proc/$pid/stat" 2>/dev/null && break; sleep 0.1; done
kill -9 $pid; wait $pid 2>/dev/null
for s in c.h5.ckpt/seg-*; do printf 'X' | dd of="$s" bs=1 seek=300 conv=notrunc status=none; done
step "refuse a corrupt checkpoint" 2 "${VG[@]}" "$PARKSIM" run "$tiny" -r 6 -o c.h5 -q --resume
step "refuse bad input" 2 "${VG[@]}" "$PARKSIM" run "$tiny" --set run.years=0 -q
exit $fail

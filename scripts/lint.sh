#!/bin/bash
# make lint: the layer rules of the source tree, checked from its #include
# lines (README, "Source layout"). Exit 0 if every rule holds, 1 with one line
# per broken rule (file:line: what and why) otherwise.
#
#   base/      the common base: status codes, error reporting; includes no other layer
#   agents/    firms, parks, population, assessment;      may include base/
#   policies/  the levers;                                 may include agents/, base/
#   schedule/  the replicate's month and year;             may include policies/, agents/, base/
#   sim/       the engine (CLI, config, MPI, HDF5, checkpoints); may include all of the above
#   analysis/  parkstat, a reader of output files;         may include base/ only
#   fuzz/      fuzz harnesses of the loaders;              may include sim/ and below
# Beside the direction of layers:
#   <mpi.h>          only in sim/par.c and sim/par.h (every MPI call goes through par.h);
#   <hdf5*.h>, <H5*> only in sim/io_h5*.[ch] (the output file) and analysis/ (read-only helpers);
#   agents/, policies/, schedule/ are pure: no stdio, no files, no system calls,
#   no YAML, and no printing.
# Usage: scripts/lint.sh [ROOT]   (ROOT defaults to the repository)
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
declare -A rank=([base]=0 [agents]=1 [policies]=2 [schedule]=3 [sim]=4 [fuzz]=5)
bad=0
fail() { echo "lint: $1"; bad=$((bad + 1)); }

for f in $(find base agents policies schedule sim analysis fuzz -name '*.[ch]' 2>/dev/null | sort); do
    dir=${f%%/*}
    while IFS=: read -r line text; do
        [ -n "$line" ] || continue
        inc=$(sed -E 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*//' <<< "$text")
        case $inc in
        \"*)
            target=$(sed -E 's/^"([^"]*)".*/\1/' <<< "$inc")
            tdir=$dir
            [[ $target == ../*/* ]] && tdir=$(cut -d/ -f2 <<< "$target")
            [ "$tdir" = "$dir" ] && continue
            if [ "$dir" = analysis ]; then
                [ "$tdir" = base ] || fail "$f:$line: includes $target: analysis/ may include only base/ (parkstat never links simulator code)"
            elif [ "$tdir" = analysis ]; then
                fail "$f:$line: includes $target: only analysis/ uses analysis/"
            elif [ -n "${rank[$dir]}" ] && [ -n "${rank[$tdir]}" ] && [ "${rank[$tdir]}" -gt "${rank[$dir]}" ]; then
                fail "$f:$line: includes $target: $dir/ is below $tdir/ (layers: base < agents < policies < schedule < sim)"
            fi
            ;;
        \<*)
            h=$(sed -E 's/^<([^>]*)>.*/\1/' <<< "$inc")
            case $h in
            mpi.h) [ "$f" = sim/par.c ] || [ "$f" = sim/par.h ] ||
                fail "$f:$line: includes <mpi.h>: only sim/par.c and sim/par.h talk MPI" ;;
            hdf5.h | hdf5_hl.h | H5*)
                case $f in sim/io_h5*.[ch] | analysis/*) ;;
                *) fail "$f:$line: includes <$h>: only sim/io_h5*.c write HDF5 (analysis/ reads it)" ;;
                esac ;;
            esac
            case $dir in
            agents | policies | schedule)
                case $h in
                stdio.h | unistd.h | fcntl.h | signal.h | time.h | yaml.h | sys/* | mpi.h | hdf5* | H5*)
                    fail "$f:$line: includes <$h>: $dir/ is pure (no I/O, no system calls, no printing)" ;;
                esac ;;
            esac
            ;;
        esac
    done < <(grep -nE '^[[:space:]]*#[[:space:]]*include' "$f")
    case $dir in
    agents | policies | schedule)
        grep -nE '\b(printf|fprintf|puts|fputs|putchar|perror|sim_error|sim_warn|sim_fail|exit|abort)[[:space:]]*\(' "$f" |
            grep -vE '^\s*[0-9]+:\s*(/?\*|//)' | while IFS=: read -r line _; do
            echo "lint: $f:$line: prints or exits: $dir/ is pure; return a status (sim_record) instead"
        done | { out=$(cat); [ -z "$out" ] || { echo "$out"; exit 1; }; } || bad=$((bad + 1))
        ;;
    esac
done
if [ "$bad" -gt 0 ]; then
    echo "lint: $bad rule(s) broken"
    exit 1
fi
echo "lint: layer and include rules hold"

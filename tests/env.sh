# Sourced by the shell tests: repository paths, the binaries under test, and
# what `make check` exports so that a test also runs standalone as root.
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
PARKSIM=${PARKSIM:-$repo/bin/parksim}
PY=/usr/bin/python3
: "${OMPI_ALLOW_RUN_AS_ROOT:=1}" "${OMPI_ALLOW_RUN_AS_ROOT_CONFIRM:=1}"
: "${OMPI_MCA_rmaps_base_oversubscribe:=1}" "${OMPI_MCA_btl_vader_single_copy_mechanism:=none}"
export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM OMPI_MCA_rmaps_base_oversubscribe \
       OMPI_MCA_btl_vader_single_copy_mechanism

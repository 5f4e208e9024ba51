/** \file fuzz_common.h
 * Shared set-up of the loader fuzz harnesses: a private directory holding the
 * files a fuzzed scenario may refer to (a park file, a base scenario), so
 * that `base:` and `population.parks_file` reach real inputs as well as
 * fuzzed ones. Built by clang for libFuzzer (make fuzz) and by gcc for the
 * corpus replay in make check (fuzz/replay.c).
 */
#ifndef PARKSIM_FUZZ_COMMON_H
#define PARKSIM_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/** Directory with parks.csv and base.yaml (created once per process). */
const char *fuzz_dir(void);
/** Write `n` bytes to `path`; aborts on failure (a harness bug, not a finding). */
void fuzz_write(const char *path, const void *data, size_t n);
/** A NUL-terminated copy of the input (NULL when out of memory), and in
 *  sets[0..return) the text after "#set " of each line that starts so (a YAML
 *  comment, so the file stays valid), at most `max`: the --set overrides the
 *  harness passes along, so that the fuzzer mutates them too. Free the copy. */
char *fuzz_sets(const uint8_t *data, size_t size, char **sets, int max, int *n_sets);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif

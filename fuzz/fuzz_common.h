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
/** Write the input to fuzz_dir()/name (its path into path[len]) and return a
 *  NUL-terminated copy of it (NULL when out of memory), with in sets[0..*n_sets)
 *  the text after "#set " of each line that starts so (a YAML comment, so the
 *  file stays valid), at most `max`: the --set overrides the harness passes
 *  along, so that the fuzzer mutates them too. Free the copy. */
char *fuzz_input(const uint8_t *data, size_t size, const char *name, char *path, size_t len, char **sets, int max,
                 int *n_sets);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif

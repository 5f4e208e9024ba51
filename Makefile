# parksim — build, test, run.  `make run` and `make test` do all set-up.
# ---- user options -----------------------------------------------------------
NP        ?= $(shell nproc 2>/dev/null || echo 2)   # ranks for `make run`
REPS      ?= 1000                                   # replicates per scenario for `make run`
SENS_REPS ?= 100                                    # replicates per sweep point for `make sensitivity`
UNC_DRAWS ?= 40                                     # `make uncertainty`: draws of the priors per scenario
UNC_PER_DRAW ?= 25                                  #   replicates per draw
UNC_SOBOL_REPS ?= 20                                #   replicates per point of the Sobol' sweep over the priors
PP_DRAWS  ?= 40                                     # `make run`: draws of the posterior per scenario
PP_PER_DRAW ?= 25                                   #   replicates per draw
SANITIZE  ?=                                        # set by `make asan`
ASAN_FLAGS = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# -O3 gives the same results as -O2 bit for bit (ISO C mode fuses no multiply-adds)
OPT       ?= -O3
# ---- below: no user-serviceable parts ---------------------------------------
SHELL     := /bin/bash
VERSION   := 0.2.0
# The compiler: mpicc unless CC is given (make's built-in default `cc` does not count).
ifeq ($(origin CC),default)
CC        := mpicc
endif
BLD       := build$(if $(SANITIZE),-asan)
PKGS      := hdf5-openmpi gsl yaml-0.1
# Link-time optimisation of bin/parksim (not of the sanitizer build): the lever hooks and the
# agents' functions inline across files. Objects carry normal code too (fat), so the tests link
# them without LTO and build as fast as before. Results are bit-identical (no fast-math, no FMA
# contraction in ISO C mode).
LTO       := $(if $(SANITIZE),,-flto=auto -ffat-lto-objects)
CFLAGS    := -std=c11 -D_XOPEN_SOURCE=700 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wno-format-truncation -MMD -MP $(OPT) -g $(SANITIZE) \
             $(LTO) -DPARKSIM_VERSION='"$(VERSION)"' -I$(BLD) \
             $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS    := -lhdf5_hl $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm
LDFLAGS   := $(SANITIZE)
BIN       := bin

MODEL_SRC := $(wildcard agents/*.c) $(wildcard policies/*.c) $(wildcard schedule/*.c)
CONF_SRC  := base/err.c sim/ytree.c sim/config.c sim/config_value.c sim/config_assess.c sim/config_echo.c sim/parks_csv.c sim/design.c sim/prior.c sim/observe.c
SIM_SRC   := sim/par.c sim/sweep.c sim/sweep_store.c sim/io_h5.c sim/io_h5_finish.c sim/checkpoint.c sim/signals.c sim/watchdog.c sim/resources.c sim/ensemble.c sim/calibrate.c sim/abc.c sim/io_h5_abc.c sim/main.c
STAT_SRC  := analysis/parkstat.c analysis/common.c analysis/runfile.c analysis/h5util.c analysis/stats.c \
             analysis/summary.c analysis/compare.c analysis/regress.c analysis/regress_stat.c analysis/plot.c \
             analysis/sobol.c analysis/sensitivity.c analysis/uncertainty.c \
             analysis/uncertainty_report.c analysis/report.c analysis/spending.c analysis/posterior.c analysis/predictive.c
# Every tests/test_*.c is a C unit test; the analysis-only ones link no model code.
TEST_NAMES:= $(sort $(notdir $(basename $(wildcard tests/test_*.c))))
STAT_TESTS:= test_stats test_sobol test_uncertainty
OBJ        = $(patsubst %.c,$(BLD)/%.o,$(1))

PARKSIM   := $(BIN)/parksim$(if $(SANITIZE),-asan)
PARKSTAT  := $(BIN)/parkstat$(if $(SANITIZE),-asan)
TESTS     := $(addprefix $(BLD)/tests/,$(TEST_NAMES))
# Fuzz-corpus replay drivers (gcc, no libFuzzer): tests/fuzz_replay.t runs them.
FUZZ_NAMES:= scenario parks sweep
FUZZ_SRC  := $(MODEL_SRC) $(CONF_SRC) sim/sweep.c sim/calibrate.c   # what the harnesses drive (no MPI, no HDF5)
REPLAY    := $(addprefix $(BLD)/fuzz/replay_,$(FUZZ_NAMES))

# Open MPI refuses to run as root unless both ALLOW variables are set, and refuses more ranks
# than cores without oversubscription; the vader BTL's CMA single-copy fails in containers that
# forbid ptrace between processes, and `none` works everywhere (Open MPI 4.1, Debian 12).
export OMPI_ALLOW_RUN_AS_ROOT := 1
export OMPI_ALLOW_RUN_AS_ROOT_CONFIRM := 1
export OMPI_MCA_rmaps_base_oversubscribe := 1
export OMPI_MCA_btl_vader_single_copy_mechanism := none

.PHONY: all deps deps-r run calibrate sensitivity assumption-grids uncertainty test check lint asan valgrind fuzz bench bench-compare docs clean regress-update FORCE

all: $(PARKSIM) $(PARKSTAT)

# Debian packages the build, the tests and `make run` need (root, apt). Slurm and munge are for
# tests/slurm.t, which starts private daemons of its own and never uses or stops the host's.
DEB_PKGS := build-essential pkg-config libopenmpi-dev openmpi-bin libhdf5-openmpi-dev hdf5-tools \
            libgsl-dev libyaml-dev librandom123-dev python3-h5py python3-numpy python3-yaml \
            gnuplot-nox netcdf-bin python3-xarray python3-h5netcdf perl \
            slurmctld slurmd slurm-client munge fonts-wqy-zenhei
# What the tests need beyond that: a headless browser that opens `parkstat report`'s HTML, and PIL
# to look at its screenshot and at rendered Chinese glyphs (tests/parkstat_report.t).
TEST_PKGS := chromium python3-pil
# Other targets name further packages in DEPS_EXTRA; this is the one place that installs.
deps:
	@missing=$$(for p in $(DEB_PKGS) $(DEPS_EXTRA); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing $$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "make deps: need root to install packages: $$missing" >&2; exit 1; fi; \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $$missing; \
	fi

# R's ncdf4 pulls in ~80 packages, so it is separate (tests/netcdf.t reads the output with it).
deps-r:
	@$(MAKE) --no-print-directory deps DEPS_EXTRA='r-base-core r-cran-ncdf4'

$(PARKSIM): $(call OBJ,$(MODEL_SRC) $(CONF_SRC) $(SIM_SRC)) | $(BIN)
	$(CC) $(LDFLAGS) $(if $(LTO),$(OPT) -flto=auto) -o $@ $^ $(LDLIBS)

$(PARKSTAT): $(call OBJ,$(STAT_SRC) base/err.c) | $(BIN)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(addprefix $(BLD)/tests/,$(filter-out $(STAT_TESTS),$(TEST_NAMES))): $(BLD)/tests/%: $(BLD)/tests/%.o \
    $(call OBJ,$(MODEL_SRC) $(CONF_SRC))
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# parkstat's estimators, tested without HDF5 or model code: each links its own sources and GSL only
$(BLD)/tests/test_stats: $(BLD)/tests/test_stats.o $(call OBJ,analysis/stats.c)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs gsl 2>/dev/null) -lm
$(BLD)/tests/test_sobol: $(BLD)/tests/test_sobol.o $(call OBJ,analysis/sobol.c sim/design.c)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs gsl 2>/dev/null) -lm
$(BLD)/tests/test_uncertainty: $(BLD)/tests/test_uncertainty.o $(call OBJ,analysis/uncertainty.c)
	$(CC) $(LDFLAGS) -o $@ $^ $(shell pkg-config --libs gsl 2>/dev/null) -lm

# LD_PRELOAD shim that stalls writes (tests/watchdog.t): plain gcc, no MPI, no sanitizer.
$(BLD)/tests/stall_write.so: tests/stall_write.c
	@mkdir -p $(dir $@)
	gcc -shared -fPIC -O1 -Wall -Wextra -Werror -o $@ $< -ldl

$(BLD)/fuzz/replay_%: $(call OBJ,fuzz/replay.c fuzz/fuzz_common.c fuzz/fuzz_%.c $(FUZZ_SRC))
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BLD)/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

# Build identity (git describe) for --version and the output's `source`
# attribute; rewritten only when it changes, so it does not force rebuilds.
$(BLD)/build_info.h: FORCE
	@mkdir -p $(BLD)
	@printf '#define PARKSIM_BUILD "%s"\n' "$$(git describe --always --dirty 2>/dev/null || echo unknown)" > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@
$(BLD)/sim/main.o $(BLD)/sim/io_h5_finish.o $(BLD)/sim/io_h5_abc.o $(BLD)/sim/checkpoint.o: $(BLD)/build_info.h
FORCE:

$(BIN):
	mkdir -p $@

# The main job: the default Jiangxi scenarios on all cores, then the headline, the charts and
# the HTML report results/jiangxi-report.html. focus is not in the headline: no park of the
# default file has more than the 3 leading industries the rule allows, so the lever cannot act
# on it (docs/MODEL.md 7.16).
SCENARIOS := baseline mergers revitalisation upgrades chain cultivation safety smart land all-levers plan \
             baseline-percentile plan-percentile
PLOT_SCENARIOS := baseline all-levers plan plan-percentile   # a readable fan chart
# The posterior-predictive headline: the same scenarios over draws of the posterior of `make
# calibrate` (its cut-offs are those of the default scheme, so not the percentile ones).
POSTERIOR := results/jiangxi-posterior.h5
PP_SCENARIOS := $(filter-out %-percentile,$(SCENARIOS))
PP_PLOT_SCENARIOS := baseline all-levers plan
run: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p results
	@for s in $(SCENARIOS); do \
	  mpirun -np $(NP) $(PARKSIM) run configs/jiangxi-$$s.yaml -r $(REPS) -o results/jiangxi-$$s.h5 --force \
	    > results/jiangxi-$$s.log || exit $$?; \
	done
	@echo
	@$(PARKSTAT) headline $(foreach s,$(SCENARIOS),results/jiangxi-$(s).h5)
	@echo
	@$(PARKSTAT) plot $(foreach s,$(PLOT_SCENARIOS),results/jiangxi-$(s).h5) -o results/jiangxi-top-tier.png
	@echo "details: bin/parkstat summary results/jiangxi-plan.h5; paired effects: bin/parkstat compare results/jiangxi-baseline.h5 $(foreach s,$(filter-out baseline %-percentile,$(SCENARIOS)),results/jiangxi-$(s).h5)"
	@test -f $(POSTERIOR) || $(MAKE) --no-print-directory calibrate
	@for s in $(PP_SCENARIOS); do \
	  mpirun -np $(NP) $(PARKSIM) run configs/jiangxi-$$s.yaml --posterior $(POSTERIOR) --draws $(PP_DRAWS) \
	    --per-draw $(PP_PER_DRAW) -o results/jiangxi-$$s-posterior.h5 --force --set output.monthly=false \
	    > results/jiangxi-$$s-posterior.log || exit $$?; \
	done
	@echo
	@echo "The table above holds the parameters at their point fit: its spread is chance only. Below, the"
	@echo "posterior-predictive answer: chance plus what the public 2025 facts leave unknown about the"
	@echo "calibrated parameters ($(POSTERIOR), docs/CALIBRATION.md); the lever and scheme priors are in make uncertainty."
	@$(PARKSTAT) predictive $(foreach s,$(PP_SCENARIOS),results/jiangxi-$(s)-posterior.h5)
	@$(PARKSTAT) plot $(foreach s,$(PP_PLOT_SCENARIOS),results/jiangxi-$(s)-posterior.h5) -o results/jiangxi-top-tier-posterior.png
	@$(PARKSTAT) report $(foreach s,$(SCENARIOS),results/jiangxi-$(s).h5) \
	  $(foreach s,$(PP_SCENARIOS),results/jiangxi-$(s)-posterior.h5) $(foreach s,$(PLOT_SCENARIOS),--chart $(s)) \
	  -o results/jiangxi-report.html

# Bayesian calibration of the unknowns of configs/priors/jiangxi-abc.yaml to the public 2025 facts
# of configs/observations/jiangxi-2025.yaml (docs/CALIBRATION.md): ABC-SMC on NP ranks, then the
# marginals, shrinkage and fit (results/jiangxi-posterior.txt) and the marginal plot.
calibrate: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p results
	mpirun -np $(NP) $(PARKSIM) abc configs/observations/jiangxi-2025.yaml -o $(POSTERIOR) --force
	$(PARKSTAT) posterior $(POSTERIOR) --plot results/jiangxi-posterior.png | tee results/jiangxi-posterior.txt

# Sobol sensitivity of the top-tier count to the nine lever intensities:
# a Saltelli sweep (704 points) of the all-levers scenario, then the indices.
sensitivity: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p results
	mpirun -np $(NP) $(PARKSIM) sweep configs/sweeps/jiangxi-levers.yaml -r $(SENS_REPS) -o results/jiangxi-levers.h5 \
	  --force --set output.monthly=false > results/jiangxi-levers.log
	$(PARKSTAT) sensitivity results/jiangxi-levers.h5 | tee results/jiangxi-levers-sobol.txt

# The headline under its main assumptions: the plan with 8-15 candidate parks, and P(>=10 in
# 2028) for an assumed 0-4 first-tier parks in 2025 under both schemes, with and without the
# smart-level gate (cut-offs refitted per cell). Writes results/assumption-grids.md.
assumption-grids: deps
	@$(MAKE) --no-print-directory all
	@NP=$(NP) REPS=$(REPS) scripts/assumption-grids.sh all

# The headline with its uncertainty split into chance and ignorance (docs/UNCERTAINTY.md):
# baseline, all-levers and plan over draws of configs/priors/jiangxi.yaml, the split and the
# paired effects; then the Sobol' indices of the plan's headline over the unknowns.
UNC_SCENARIOS := baseline all-levers plan
uncertainty: deps
	@$(MAKE) --no-print-directory all
	@mkdir -p results
	@for s in $(UNC_SCENARIOS); do \
	  mpirun -np $(NP) $(PARKSIM) run configs/jiangxi-$$s.yaml --prior=configs/priors/jiangxi.yaml \
	    --draws $(UNC_DRAWS) --per-draw $(UNC_PER_DRAW) -o results/jiangxi-$$s-prior.h5 --force \
	    --set output.monthly=false > results/jiangxi-$$s-prior.log || exit $$?; \
	done
	$(PARKSTAT) summary results/jiangxi-plan-prior.h5 | tee results/jiangxi-plan-prior-summary.txt
	$(PARKSTAT) compare $(foreach s,$(UNC_SCENARIOS),results/jiangxi-$(s)-prior.h5) | tee results/jiangxi-prior-compare.txt
	mpirun -np $(NP) $(PARKSIM) sweep configs/sweeps/jiangxi-priors.yaml -r $(UNC_SOBOL_REPS) \
	  -o results/jiangxi-priors-sobol.h5 --force --set output.monthly=false > results/jiangxi-priors-sobol.log
	$(PARKSTAT) sensitivity results/jiangxi-priors-sobol.h5 | tee results/jiangxi-priors-sobol.txt
	$(PARKSTAT) sensitivity results/jiangxi-priors-sobol.h5 --output prob | tee -a results/jiangxi-priors-sobol.txt

test:
	@$(MAKE) --no-print-directory deps DEPS_EXTRA='$(TEST_PKGS)'
	@$(MAKE) --no-print-directory check

# The layer and include rules of docs/DEVELOPING.md, from the #include lines.
lint:
	@scripts/lint.sh

check: lint all $(TESTS) $(REPLAY) $(BLD)/tests/stall_write.so $(BLD)/bench_kernel $(BLD)/bench_phases $(BLD)/bench_passes
	prove -j2 --exec '' $(addprefix $(BLD)/tests/,$(TEST_NAMES)) tests/*.t

# The suite under AddressSanitizer and UBSan; Open MPI's own leaks suppressed (tests/lsan.supp;
# the suppressions match only with fast_unwind_on_malloc=0), and HDF5's out-of-bounds copy on a
# damaged file's global heap (tests/asan.supp; parkstat turns the crash into exit 2).
asan:
	@$(MAKE) --no-print-directory deps DEPS_EXTRA='$(TEST_PKGS)'
	@$(MAKE) --no-print-directory SANITIZE='$(ASAN_FLAGS)' OPT=-O1 $(BIN)/parksim-asan $(BIN)/parkstat-asan \
	  $(addprefix build-asan/tests/,$(TEST_NAMES)) $(addprefix build-asan/fuzz/replay_,$(FUZZ_NAMES)) \
	  build-asan/tests/stall_write.so build-asan/bench_kernel build-asan/bench_phases build-asan/bench_passes
	ASAN_OPTIONS=fast_unwind_on_malloc=0:detect_leaks=1:suppressions=$(CURDIR)/tests/asan.supp UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0 \
	PARKSIM=$(CURDIR)/bin/parksim-asan PARKSTAT=$(CURDIR)/bin/parkstat-asan REPLAY_DIR=$(CURDIR)/build-asan/fuzz \
	STALL_SO=$(CURDIR)/build-asan/tests/stall_write.so BENCH_DIR=$(CURDIR)/build-asan \
	  prove -j2 --exec '' $(addprefix build-asan/tests/,$(TEST_NAMES)) tests/*.t

# Rewrite the stored regression outputs after an intended model change (tests/regression/).
regress-update: all
	@tests/regression/update.sh

# libFuzzer on the scenario, park-file and sweep-file loaders (clang). FUZZ_TIME seconds per
# harness; new corpus entries go to build-fuzz/corpus (not committed), crashes
# to fuzz/findings/ (copy them into tests/fuzz-corpus/ once fixed).
FUZZ_TIME ?= 60
FUZZ_JOBS ?= 1
FUZZ_CFLAGS = -std=c11 -D_XOPEN_SOURCE=700 -g -O1 -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=undefined $(shell pkg-config --cflags gsl yaml-0.1)
build-fuzz/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz_common.c fuzz/fuzz_common.h $(FUZZ_SRC) Makefile
	@command -v clang >/dev/null || $(MAKE) --no-print-directory deps DEPS_EXTRA=clang
	@mkdir -p build-fuzz
	clang $(FUZZ_CFLAGS) -o $@ $(filter %.c,$^) $(shell pkg-config --libs gsl yaml-0.1) -lm
fuzz: $(addprefix build-fuzz/fuzz_,$(FUZZ_NAMES))
	@mkdir -p fuzz/findings
	@for t in $(FUZZ_NAMES); do mkdir -p build-fuzz/corpus/$$t; \
	  echo "make fuzz: $$t for $(FUZZ_TIME) s"; \
	  nice -n 19 build-fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) -fork=$(FUZZ_JOBS) -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
	    -dict=fuzz/$$t.dict -max_len=8192 -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
	    -artifact_prefix=fuzz/findings/$$t- build-fuzz/corpus/$$t tests/fuzz-corpus/$$t || exit $$?; \
	done

# A small singleton scenario under valgrind memcheck; Open MPI/HDF5 internals suppressed.
valgrind: all
	@command -v valgrind >/dev/null || $(MAKE) --no-print-directory deps DEPS_EXTRA=valgrind
	@tests/valgrind.sh

# The bare kernel the full model is measured against (tests/bench_kernel.c): plain C, -O2, GSL.
$(BLD)/bench_kernel: tests/bench_kernel.c
	@mkdir -p $(dir $@)
	gcc -std=c11 -D_XOPEN_SOURCE=700 -O2 -Wall -Wextra -Werror -o $@ $< $(shell pkg-config --libs gsl 2>/dev/null) -lm

# Where a replicate's time goes (tests/bench_phases.c): linked like bin/parksim, link-time optimised.
$(BLD)/bench_phases: $(BLD)/tests/bench_phases.o $(call OBJ,$(MODEL_SRC) $(CONF_SRC))
	$(CC) $(LDFLAGS) $(if $(LTO),$(OPT) -flto=auto) -o $@ $^ $(LDLIBS)

# The same with timers around the passes of every park-month: replicate.c and bench_phases.c
# built again with PARKSIM_PASS_PROFILE (bin/parksim has no timers).
$(BLD)/passes/%.o: %.c Makefile
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -DPARKSIM_PASS_PROFILE -c -o $@ $<
$(BLD)/bench_passes: $(BLD)/passes/tests/bench_phases.o $(BLD)/passes/schedule/replicate.o \
                     $(call OBJ,$(filter-out schedule/replicate.c,$(MODEL_SRC)) $(CONF_SRC))
	$(CC) $(LDFLAGS) $(if $(LTO),$(OPT) -flto=auto) -o $@ $^ $(LDLIBS)

bench: all $(BLD)/bench_kernel $(BLD)/bench_phases $(BLD)/bench_passes
	@tests/bench.sh
	@tests/bench_ratio.sh $(BLD)/bench_kernel
	@$(BLD)/bench_phases configs/national-synthetic.yaml
	@$(BLD)/bench_phases --levers configs/jiangxi-all-levers.yaml 8 population.parks_file=configs/parks/national-synthetic.csv
	@$(BLD)/bench_passes configs/national-synthetic.yaml
	@$(BLD)/bench_passes configs/jiangxi-all-levers.yaml 8 population.parks_file=configs/parks/national-synthetic.csv
	@tests/bench_abc.sh

# The rates of another build (OLD=path/to/parksim) and this one side by side.
ROUNDS ?= 5
bench-compare: all
	@test -n "$(OLD)" || { echo "usage: make bench-compare OLD=path/to/old/parksim [ROUNDS=5]" >&2; exit 2; }
	@tests/bench_compare.sh $(OLD) $(PARKSIM) $(ROUNDS)

docs: $(PARKSIM)
	@PARKSIM=$(PARKSIM) tests/docs_keys.sh

clean:
	rm -rf build build-asan build-fuzz bin

-include $(shell find build build-asan -name '*.d' 2>/dev/null)

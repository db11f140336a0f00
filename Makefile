# Thin wrapper: deps, build, test, demo. Everything real lives in CMake and
# the flexcim CLI.
BUILD ?= build
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=
# The ASan+UBSan build (clang, with the libFuzzer targets) that `make test`
# also runs, on these ctest labels of the `sanitizer_subset` binaries.
ASAN_BUILD ?= build-asan
SANITIZE_LABELS ?= unit|fuzz
# `make fuzz`: every fuzz target for FUZZ_SECONDS seconds (unbounded runs).
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 300
CLANG_ENV = CC=clang CXX=clang++

.PHONY: deps build test sanitize fuzz demo bench sweep clean recurrent-report codesign-sweep ppa-table

deps:
	@bash scripts/install-deps.sh

CONFIGURE = cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null
# What `make demo` runs: the CLI and the layer-on-RTL check (the Verilated
# test snapshots are `make test`'s).
DEMO_TARGETS = flexcim model_on_rtl_test

build: deps
	@$(CONFIGURE)
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)
	@$(MAKE) --no-print-directory sanitize

# ASan+UBSan: the parsers, file handling and CLI unit tests, and every fuzz
# target for a bounded number of executions (docs/ROBUSTNESS.md).
sanitize: deps
	@$(CLANG_ENV) cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Release -DFLEXCIM_FUZZ=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS) --target sanitizer_subset
	@rm -rf $(ASAN_BUILD)/verif/fuzz/work
	@ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -L '$(SANITIZE_LABELS)'
	@cat $(ASAN_BUILD)/verif/fuzz/work/summary.txt

fuzz: deps
	@$(CLANG_ENV) cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Release -DFLEXCIM_FUZZ=ON \
	  -DFLEXCIM_FUZZ_RUNS=-1 -DFLEXCIM_FUZZ_SECONDS=$(FUZZ_SECONDS) >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_targets
	@rm -f $(FUZZ_BUILD)/verif/fuzz/work/summary.txt
	@ctest --test-dir $(FUZZ_BUILD) --output-on-failure -j $(JOBS) -L fuzz; \
	  status=$$?; cat $(FUZZ_BUILD)/verif/fuzz/work/summary.txt; exit $$status

demo: deps
	@$(CONFIGURE)
	@cmake --build $(BUILD) -j $(JOBS) --target $(DEMO_TARGETS)
	@bash scripts/demo.sh $(BUILD)

# The design sweep (docs/CODESIGN.md): FlexCiM over P x G x cell style, each
# design synthesised and measured once (cached), each architecture's own
# best model per P, the configuration with the lowest decode latency and
# energy per token at 1.25x dense and equal area named. The grid and the
# executor (local | slurm) are set in the environment: scripts/codesign_sweep.sh.
codesign-sweep: deps
	@$(CONFIGURE)
	@cmake --build $(BUILD) -j $(JOBS) --target flexcim
	@bash scripts/codesign_sweep.sh $(BUILD)

# The recurrent section of `flexcim report --run $(RUN)` (docs/FLOW.md).
RUN ?= $(BUILD)/demo
recurrent-report: build
	@bash scripts/recurrent_report.sh $(BUILD) $(RUN)

# The comparison table at simulated activity of every architecture x cell
# style x storage kind at the default size (docs/PPA.md; not part of CI:
# about an hour of Yosys, Verilator and OpenSTA). Synth directories and
# energy files already in PPA_DIR are reused; PRUNE is a prune output with
# the real layer PPA_LAYER (make demo's by default). On a shared machine set
# HEAVY_LOCK to the machine's lock file; PPA_ENERGY_FLAGS=--no-power-breakdown
# skips the energy split by component (about half the OpenSTA time).
PPA_DIR ?= $(BUILD)/ppa
PRUNE ?= $(BUILD)/demo/prune
PPA_LAYER ?= 3.wq
PPA_STYLES ?= bit-parallel:ff bit-parallel:latch bit-serial:ff bit-serial:latch
HEAVY_LOCK ?= $(BUILD)/heavy.lock
ppa-table:
	@$(CONFIGURE)
	@cmake --build $(BUILD) -j $(JOBS) --target flexcim
	@bash scripts/ppa_table.sh $(BUILD) $(PPA_DIR) $(PRUNE) $(PPA_LAYER) "$(PPA_STYLES)" $(HEAVY_LOCK)

bench: build
	@$(BUILD)/cli/flexcim bench --out $(BUILD)/bench

clean:
	@rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)

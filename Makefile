# corridor — the README's commands. `make` builds build/corridor; `make test` and `make demo` install
# what is missing first (scripts/bootstrap), so both work on a fresh Debian machine.
JOBS ?= 2
BUILD ?= build
CMAKE_FLAGS ?=

.PHONY: all build test test-unit test-asan test-fuzz test-mutants demo tour bench clean bootstrap

all: build

$(BUILD)/.bootstrap-stamp: scripts/bootstrap web/package-lock.json
	scripts/bootstrap

bootstrap:
	scripts/bootstrap

$(BUILD)/build.ninja: $(BUILD)/.bootstrap-stamp CMakeLists.txt
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

build: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# Everything: unit, end-to-end and integration tests on the release build, the unit tests again under
# AddressSanitizer + UndefinedBehaviorSanitizer, and a bounded run of every fuzz target.
test: build test-asan test-fuzz
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: $(BUILD)/.bootstrap-stamp
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCORRIDOR_SANITIZE=ON -DCORRIDOR_BENCH=OFF -DCORRIDOR_WEB=OFF
	cmake --build build-asan -j $(JOBS) --target core_tests net_tests route_tests access_tests ledger_tests store_tests rules_tests api_tests regime_tests cargo_tests supply_tests scenario_tests
	cd build-asan && ctest --output-on-failure -j $(JOBS) -L unit

test-fuzz: $(BUILD)/.bootstrap-stamp
	CXX=clang++-16 cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCORRIDOR_FUZZ=ON -DCORRIDOR_WEB=OFF
	cmake --build build-fuzz -j $(JOBS)
	scripts/run-fuzzers build-fuzz 30

# The project's own mutation check (not part of `make test`): mutants/mutants.toml, one at a time,
# on a scratch copy in build-mutants/; the score and every survivor; non-zero on any survivor.
test-mutants: $(BUILD)/.bootstrap-stamp
	JOBS=$(JOBS) scripts/test-mutants

demo: build
	scripts/demo

# The rest of the engine on a real OSM extract: routing, closures, access, a signed consignment.
tour: build
	scripts/tour

bench: build
	bench/run

clean:
	rm -rf $(BUILD) build-asan build-fuzz build-mutants web/node_modules

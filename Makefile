# SPDX-License-Identifier: MIT
# Thin wrapper: the build is CMake. `./setup run|test|package` installs make and everything
# else first, then calls the target of the same name here.
#   make run      install dependencies, build, open Sitrep on a demo database
#   make test     install dependencies, build, run every test (and the fuzz build)
#   make package  build, write the Debian packages (one per component) into $(BUILD)
BUILD ?= build
FUZZ_BUILD ?= build-fuzz
JOBS ?= 2

.PHONY: run test deps test-deps configure build build-strict fuzz package clean format format-check

run: deps configure
	cmake --build $(BUILD) -j$(JOBS) --target sitrep
	./$(BUILD)/sitrep --demo

test: test-deps format-check build-strict
	cd $(BUILD) && ctest -j$(JOBS) --output-on-failure
	$(MAKE) fuzz

deps:
	packaging/install-deps.sh

test-deps:
	packaging/install-deps.sh --tests

configure:
	cmake -S . -B $(BUILD) -G Ninja

build: configure
	cmake --build $(BUILD) -j$(JOBS)

# The test build treats every compiler warning as an error.
build-strict:
	cmake -S . -B $(BUILD) -G Ninja -DSITREP_WERROR=ON
	cmake --build $(BUILD) -j$(JOBS)

# libFuzzer targets build only with clang, in their own build folder.
fuzz:
	@if [ -f tests/fuzz/CMakeLists.txt ]; then \
	  cmake -S . -B $(FUZZ_BUILD) -G Ninja -DSITREP_FUZZ=ON -DSITREP_WERROR=ON -DCMAKE_CXX_COMPILER=clang++ && \
	  cmake --build $(FUZZ_BUILD) -j$(JOBS) && \
	  cd $(FUZZ_BUILD) && ctest -j$(JOBS) --output-on-failure; \
	else echo "no fuzz targets (tests/fuzz/CMakeLists.txt is missing)"; fi

# `make format` applies .clang-format to every C++ source; `make format-check` lists what
# differs and fails. `make test` runs the check first.
SOURCES = $(shell find app models ui tests -path '*/node_modules' -prune -o \( -name '*.cpp' -o -name '*.h' \) -print | sort)
format:
	clang-format -i $(SOURCES)

format-check:
	clang-format --dry-run --Werror $(SOURCES)

package: build
	cd $(BUILD) && cpack

clean:
	rm -rf $(BUILD) $(FUZZ_BUILD)

# SPDX-License-Identifier: MIT
# Core tests that need more than the automatic tests/unit registration.

# Crash safety: a helper that applies commands in a loop, killed at random by tst_crash.
add_executable(sitrep_crashchild ${CMAKE_CURRENT_SOURCE_DIR}/integration/crashchild.cpp)
target_link_libraries(sitrep_crashchild PRIVATE sitrep_models)
sitrep_add_test(tst_crash
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/integration/tst_crash.cpp
  LIBS sitrep_models
  LABELS integration
  TIMEOUT 240)
target_compile_definitions(tst_crash PRIVATE SITREP_CRASH_CHILD="$<TARGET_FILE:sitrep_crashchild>")
add_dependencies(tst_crash sitrep_crashchild)

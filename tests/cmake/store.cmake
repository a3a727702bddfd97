# SPDX-License-Identifier: MIT
# The store and the engine's projections: the projector (the one fold from events to the
# incidents projection, and the one chain hash) and the projection registry (every
# projection sees every event once, from local commands, merges and bulk loads).
# `ctest -R projector`, `-R projection` select them. The row reader (typed, checked reads of
# SQLite rows) has its own test: `ctest -R rowreader`.
sitrep_add_test(tst_rowreader
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/store/tst_rowreader.cpp
  LIBS sitrep_models)
sitrep_add_test(tst_projector
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/store/tst_projector.cpp
  LIBS sitrep_models)
sitrep_add_test(tst_projectionregistry
  SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/engine/tst_projectionregistry.cpp
  LIBS sitrep_models)

# SPDX-License-Identifier: MIT
# `sitrep serve` as a process, driving runbook escalations and war-room reminders headless.
sitrep_add_test(tst_serve_timers
  SOURCES ${CMAKE_SOURCE_DIR}/tests/integration/tst_serve_timers.cpp
  LIBS Qt6::Core
  LABELS integration
  TIMEOUT 120)

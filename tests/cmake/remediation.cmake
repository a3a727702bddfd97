# SPDX-License-Identifier: MIT
# Auto-remediation against the fauxqs emulator and the test executor
# (tests/fixtures/remediation-executor.mjs); skips, saying so, without node or fauxqs.
# The unit tests (tests/unit/tst_remediation_*.cpp) register themselves. Name: ctest -R remediation.
set(SITREP_REMEDIATION_TEST_DIR ${CMAKE_CURRENT_LIST_DIR}/../integration)
sitrep_add_test(tst_remediation_fifo
  SOURCES ${SITREP_REMEDIATION_TEST_DIR}/tst_remediation_fifo.cpp ${SITREP_REMEDIATION_TEST_DIR}/fauxqsfixture.h
          ${SITREP_REMEDIATION_TEST_DIR}/httpreceiver.h
  LIBS sitrep_models
  LABELS integration aws remediation
  TIMEOUT 120)

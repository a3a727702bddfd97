# SPDX-License-Identifier: MIT
# Auto-remediation against the fauxqs emulator and the test executor
# (tests/fixtures/remediation-executor.mjs); skips, saying so, without node or fauxqs.
# The unit tests (tests/unit/tst_remediation_*.cpp) register themselves. Name: ctest -R remediation.
sitrep_fauxqs_test(tst_remediation_fifo LABELS remediation)

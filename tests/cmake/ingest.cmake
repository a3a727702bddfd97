# SPDX-License-Identifier: MIT
# Alert ingestion tests beyond tests/unit: a real Prometheus Alertmanager (Debian package
# prometheus-alertmanager; the test skips when it is missing), the `sitrep serve` process,
# and a short replay of the fuzz targets' seeds and mutations in the regular g++ build.
sitrep_add_test(tst_ingest_alertmanager
  SOURCES ${CMAKE_SOURCE_DIR}/tests/integration/tst_ingest_alertmanager.cpp
  LIBS sitrep_models Qt6::Network
  LABELS integration ingest
  TIMEOUT 120)
sitrep_add_test(tst_ingest_serve
  SOURCES ${CMAKE_SOURCE_DIR}/tests/integration/tst_ingest_serve.cpp
  LIBS Qt6::Network
  LABELS integration ingest
  TIMEOUT 120)

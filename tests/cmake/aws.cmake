# SPDX-License-Identifier: MIT
# AWS (SigV4, SQS, SNS) and notification delivery tests. The integration tests start the
# fauxqs emulator from tests/fixtures (installed there with `npm ci`) and skip, saying so,
# when node or the package is missing. Names: ctest -R sigv4 / sqs / sns / notify.
set(SITREP_AWS_TEST_DIR ${CMAKE_CURRENT_LIST_DIR}/../integration)

# sitrep_fauxqs_test(NAME [LABELS ...]): tests/integration/NAME.cpp against the emulator.
function(sitrep_fauxqs_test name)
  cmake_parse_arguments(T "" "" "LABELS" ${ARGN})
  sitrep_add_test(${name}
    SOURCES ${SITREP_AWS_TEST_DIR}/${name}.cpp ${SITREP_AWS_TEST_DIR}/fauxqsfixture.h
            ${SITREP_AWS_TEST_DIR}/httpreceiver.h
    LIBS sitrep_models
    LABELS integration aws ${T_LABELS}
    TIMEOUT 120)
endfunction()

foreach(name tst_sqs tst_sns tst_sqsconsumer tst_notify tst_agent)
  if(EXISTS ${SITREP_AWS_TEST_DIR}/${name}.cpp)
    sitrep_fauxqs_test(${name})
  endif()
endforeach()

# SPDX-License-Identifier: MIT
# Support the tests and benchmarks share (tests/fixtures): header-only, so each test builds
# it against the libraries it links itself. Every sitrep_add_test links it.
add_library(sitrep_test_support INTERFACE
  ${CMAKE_CURRENT_LIST_DIR}/fixtures/appcontext.h ${CMAKE_CURRENT_LIST_DIR}/fixtures/network.h
  ${CMAKE_CURRENT_LIST_DIR}/fixtures/ingestserver.h ${CMAKE_CURRENT_LIST_DIR}/fixtures/support.h
  ${CMAKE_CURRENT_LIST_DIR}/fixtures/wall.h)
target_include_directories(sitrep_test_support INTERFACE ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(sitrep_test_support INTERFACE Qt6::Test) # QSignalSpy, QTest waits

# sitrep_add_test(NAME SOURCES ... [LIBS ...] [ENV VAR=VALUE ...] [LABELS ...] [TIMEOUT s])
function(sitrep_add_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;ENV;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE Qt6::Test sitrep_test_support ${T_LIBS})
  target_compile_definitions(${name} PRIVATE
    SITREP_BINARY="$<TARGET_FILE:sitrep>"
    SITREP_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    SITREP_TESTDATA_DIR="${SITREP_TESTDATA_DIR}")
  add_dependencies(${name} sitrep)
  add_test(NAME ${name} COMMAND ${name})
  set(env "QT_QPA_PLATFORM=offscreen" ${T_ENV})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}")
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
  if(T_TIMEOUT)
    set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT})
  else()
    set_tests_properties(${name} PROPERTIES TIMEOUT 300)
  endif()
endfunction()

# SPDX-License-Identifier: MIT
# The team back end: sitrep-server on a throwaway PostgreSQL 15 cluster, instances behind
# HAProxy (tests/fixtures/teamserver). `ctest -L server` selects these.
function(sitrep_server_test name)
  cmake_parse_arguments(T "" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  sitrep_add_test(${name} SOURCES ${T_SOURCES} LIBS sitrep_models Qt6::Network ${T_LIBS}
                  LABELS server ${T_LABELS} TIMEOUT ${T_TIMEOUT})
  target_compile_definitions(${name} PRIVATE SITREP_SERVER_BINARY="$<TARGET_FILE:sitrep-server>")
  add_dependencies(${name} sitrep-server)
endfunction()

sitrep_server_test(tst_server SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/tst_server.cpp
                   ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/teamserver/teamserver.h TIMEOUT 240)

# pg::RowReader and the back end's own queries in process, on a throwaway cluster.
sitrep_server_test(tst_server_rowreader SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/tst_server_rowreader.cpp
                   ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/teamserver/teamserver.h LIBS sitrep_server TIMEOUT 120)

# The sync scenarios against the real back end, through a fault proxy that checks every
# request and answer against resources/api/sitrep.yaml.
sitrep_server_test(tst_sync_server SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/tst_sync_server.cpp
                   ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/teamserver/faultproxy.h
                   ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/teamserver/contractcheck.h LIBS yaml-cpp TIMEOUT 300)

# Two headless agents sharing the singleton jobs through leases on the real back end, each
# through its own fault proxy (contract checked, network cut on demand).
sitrep_server_test(tst_leases SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/server/tst_leases.cpp
                   ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/teamserver/faultproxy.h
                   ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/teamserver/contractcheck.h LIBS yaml-cpp TIMEOUT 240)

# The systemd units the packages ship, where systemd-analyze exists.
find_program(SITREP_SYSTEMD_ANALYZE systemd-analyze)
if(SITREP_SYSTEMD_ANALYZE)
  add_test(NAME tst_server_unit COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/server/check_unit.sh
           ${CMAKE_SOURCE_DIR}/packaging/sitrep-server.service $<TARGET_FILE:sitrep-server> ${SITREP_SYSTEMD_ANALYZE})
  set_tests_properties(tst_server_unit PROPERTIES LABELS server TIMEOUT 60)
  # The agent's unit (the desktop package), the same way.
  add_test(NAME tst_agent_unit COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/server/check_unit.sh
           ${CMAKE_SOURCE_DIR}/packaging/sitrep-agent.service $<TARGET_FILE:sitrep> ${SITREP_SYSTEMD_ANALYZE})
  set_tests_properties(tst_agent_unit PROPERTIES LABELS "packaging" TIMEOUT 60)
else()
  message(STATUS "systemd-analyze is missing: the sitrep-server and sitrep-agent units are not verified")
endif()

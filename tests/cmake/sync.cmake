# SPDX-License-Identifier: MIT
# Sync: the keychain test (against the real team back end, see server.cmake for the rest);
# sitrep_server_test comes from server.cmake, included before this file.
# `ctest -R sync`, `-R outbox`, `-R keychain` select them.

# QtKeychain against gnome-keyring in a private D-Bus session and a private HOME, unlocked
# with a password on stdin first (otherwise the daemon waits for a prompt).
add_executable(tst_keychain ${CMAKE_CURRENT_SOURCE_DIR}/integration/tst_keychain.cpp)
target_link_libraries(tst_keychain PRIVATE Qt6::Test sitrep_test_support sitrep_models Qt6::Network)
target_compile_definitions(tst_keychain PRIVATE SITREP_BINARY="$<TARGET_FILE:sitrep>"
                           SITREP_SERVER_BINARY="$<TARGET_FILE:sitrep-server>")
add_dependencies(tst_keychain sitrep sitrep-server)
find_program(SITREP_DBUS_RUN_SESSION dbus-run-session)
find_program(SITREP_GNOME_KEYRING gnome-keyring-daemon)
if(SITREP_DBUS_RUN_SESSION AND SITREP_GNOME_KEYRING)
  add_test(NAME tst_keychain COMMAND sh -c
    "KHOME=$(mktemp -d) && trap 'rm -rf \"$KHOME\"' EXIT && HOME=\"$KHOME\" XDG_DATA_HOME=\"$KHOME/.local/share\" XDG_CONFIG_HOME=\"$KHOME/.config\" XDG_RUNTIME_DIR=\"$KHOME\" ${SITREP_DBUS_RUN_SESSION} -- sh -c 'echo -n pw | ${SITREP_GNOME_KEYRING} --unlock --components=secrets >/dev/null && $<TARGET_FILE:tst_keychain>'")
  set_tests_properties(tst_keychain PROPERTIES LABELS "keychain" TIMEOUT 120 ENVIRONMENT "QT_QPA_PLATFORM=offscreen")
else()
  message(STATUS "gnome-keyring or dbus-run-session missing: tst_keychain is not registered")
endif()

# Two clients on the real team back end (tests/fixtures/teamserver: PostgreSQL, two
# sitrep-server instances, HAProxy): the live feed and a refused forged actor, end to end.
if(TARGET sitrep-server)
  sitrep_server_test(tst_sync_team SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/integration/tst_sync_team.cpp
                     ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/teamserver/teamserver.h LABELS sync TIMEOUT 240)
  # Two agents, two databases, one back end: each incident opened once, once-only events once.
  sitrep_server_test(tst_two_agents SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/integration/tst_two_agents.cpp
                     ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/teamserver/teamserver.h LABELS sync TIMEOUT 300)
endif()

# Two headless agents behind HAProxy on the real back end, a real Alertmanager storm of
# 10,000 alerts over 20 groups, the lease holder killed midway: everything once.
if(TARGET sitrep-server)
  sitrep_server_test(tst_agents_team SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/integration/tst_agents_team.cpp
                     ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/teamserver/teamserver.h
                     ${CMAKE_CURRENT_SOURCE_DIR}/integration/httpreceiver.h LABELS sync integration TIMEOUT 240)
endif()

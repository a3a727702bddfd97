# SPDX-License-Identifier: MIT
# Package metadata checked without installing: desktop-file-validate, appstreamcli, the
# Debian changelog, and the .deb files cpack writes into a temporary folder (dependencies,
# description, copyright, changelog, lintian errors). The tools come from
# `packaging/install-deps.sh --tests`; the test skips the checks whose tool is missing.
sitrep_add_test(tst_packaging
  SOURCES ${CMAKE_SOURCE_DIR}/tests/integration/tst_packaging.cpp
  LABELS integration packaging
  TIMEOUT 600)
target_compile_definitions(tst_packaging PRIVATE
  SITREP_CPACK_COMMAND="${CMAKE_CPACK_COMMAND}"
  SITREP_CPACK_CONFIG="${CMAKE_BINARY_DIR}/CPackConfig.cmake"
  SITREP_PROJECT_VERSION="${PROJECT_VERSION}"
  SITREP_DEB_RELEASE="${SITREP_DEB_RELEASE}"
  SITREP_HAS_MAN_RULE=$<BOOL:$<TARGET_EXISTS:sitrep_man>>)
# cpack installs what the build made; the test builds first what the packages hold.
foreach(t sitrep-server sitrep_deb_changelog sitrep_man sitrep_server_man)
  if(TARGET ${t})
    add_dependencies(tst_packaging ${t})
  endif()
endforeach()

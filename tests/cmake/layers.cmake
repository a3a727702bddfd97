# SPDX-License-Identifier: MIT
# The layers as built: every source names only layers its library links, every source of
# models/, ui/ and app/ belongs to one library, and the libraries form no cycle.
sitrep_add_test(tst_layers SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/layers/tst_layers.cpp LIBS Qt6::Core)
target_compile_definitions(tst_layers PRIVATE SITREP_LAYERS_FILE="${CMAKE_BINARY_DIR}/layers.txt")

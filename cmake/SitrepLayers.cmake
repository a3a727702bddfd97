# SPDX-License-Identifier: MIT
# One static library per layer.
#
#   sitrep_layer(<target> ROOT <folder> PREFIX <include prefix>
#                SOURCES <files...> [LINKS <targets...>] [PUBLIC_LINKS <targets...>])
#
# Each layer exports only its own headers: they are linked under
# <build>/include/<target>/<prefix>/..., and that folder is the library's only include
# path. A source therefore sees the headers of its own layer and of the layers its target
# links, and nothing else: `#include "sync/outbox.h"` fails to compile in a library that
# does not link sitrep_sync. LINKS are PRIVATE: a layer's users link what they include.
# PUBLIC_LINKS are for third-party and Qt libraries whose headers a layer's headers expose.
#
# Every layer is recorded in <build>/layers.txt (target, include prefix, folder, links, sources) for the
# suite's tst_layers, which checks that no source names a layer its target does not link
# and that the layers form no cycle.
define_property(GLOBAL PROPERTY SITREP_LAYERS BRIEF_DOCS "layers" FULL_DOCS "layers")

function(sitrep_layer target)
  cmake_parse_arguments(L "" "ROOT;PREFIX" "SOURCES;LINKS;PUBLIC_LINKS" ${ARGN})
  set(stage ${CMAKE_BINARY_DIR}/include/${target})
  set(has_sources FALSE)
  foreach(src IN LISTS L_SOURCES)
    if(src MATCHES "\\.cpp$")
      set(has_sources TRUE)
    endif()
  endforeach()
  if(has_sources)
    add_library(${target} STATIC ${L_SOURCES})
    set_target_properties(${target} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    target_include_directories(${target} PUBLIC ${stage})
    target_link_libraries(${target} PUBLIC ${L_PUBLIC_LINKS} PRIVATE ${L_LINKS})
  else()
    add_library(${target} INTERFACE ${L_SOURCES})
    target_include_directories(${target} INTERFACE ${stage})
    target_link_libraries(${target} INTERFACE ${L_PUBLIC_LINKS} ${L_LINKS})
  endif()
  file(REMOVE_RECURSE ${stage})
  foreach(src IN LISTS L_SOURCES)
    if(src MATCHES "\\.h$")
      get_filename_component(abs ${src} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
      file(RELATIVE_PATH rel ${L_ROOT} ${abs})
      set(dst ${stage}/${L_PREFIX}/${rel})
      get_filename_component(dstdir ${dst} DIRECTORY)
      file(MAKE_DIRECTORY ${dstdir})
      file(CREATE_LINK ${abs} ${dst} SYMBOLIC)
    endif()
  endforeach()
  file(RELATIVE_PATH folder ${CMAKE_SOURCE_DIR} ${L_ROOT})
  set(files "")
  foreach(src IN LISTS L_SOURCES)
    get_filename_component(abs ${src} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
    file(RELATIVE_PATH rel ${CMAKE_SOURCE_DIR} ${abs})
    list(APPEND files ${rel})
  endforeach()
  list(JOIN L_LINKS "," links)
  list(JOIN files "," files)
  if(NOT links)
    set(links "-")
  endif()
  set_property(GLOBAL APPEND PROPERTY SITREP_LAYERS "${target} ${L_PREFIX} ${folder} ${links} ${files}")
endfunction()

# Writes <build>/layers.txt: one line per layer,
# "target prefix folder link,link,...|- file,file,..." (paths relative to the source tree).
function(sitrep_write_layers)
  get_property(layers GLOBAL PROPERTY SITREP_LAYERS)
  list(JOIN layers "\n" text)
  file(WRITE ${CMAKE_BINARY_DIR}/layers.txt "${text}\n")
endfunction()

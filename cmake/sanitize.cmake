# Sanitizer and fuzzing switches, included before any target is defined so that every library of the build
# is instrumented alike.
#
#   DELVEX_SANITIZE  GCC or Clang: AddressSanitizer + UndefinedBehaviorSanitizer on everything
#                    (scripts/sanitize.sh, build-asan). UB aborts, so a finding fails its test.
#   DELVEX_FUZZ      Clang only: libFuzzer coverage instrumentation + ASan + UBSan on the libraries, and the
#                    fuzz targets of cmake/fuzz.cmake (scripts/fuzz.sh, build-fuzz).

option(DELVEX_SANITIZE "Build with address,undefined sanitizers" OFF)
option(DELVEX_FUZZ "Build the libFuzzer targets in tests/fuzz (Clang only)" OFF)

if(DELVEX_SANITIZE AND DELVEX_FUZZ)
  message(FATAL_ERROR "DELVEX_SANITIZE and DELVEX_FUZZ are separate builds (build-asan, build-fuzz)")
endif()

if(DELVEX_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GCC" OR CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    # GCC 12 with -fsanitize=address reports -Wmaybe-uninitialized inside libstdc++'s <regex> (GCC PR 105562,
    # a false positive). Only the files that include <regex> get that warning off, so -Werror keeps its meaning
    # everywhere else and the other objects' flags stay unchanged. They are found by reading the sources, so
    # a new test that uses <regex> needs no edit here.
    file(GLOB_RECURSE delvex_regex_candidates CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/tests/*.cpp
         ${PROJECT_SOURCE_DIR}/bot/*.cpp)
    foreach(source IN LISTS delvex_regex_candidates)
      file(STRINGS "${source}" uses_regex REGEX "^#include <regex>" LIMIT_COUNT 1)
      if(uses_regex)
        set_source_files_properties("${source}" PROPERTIES COMPILE_OPTIONS -Wno-maybe-uninitialized)
      endif()
    endforeach()
  endif()
endif()

if(DELVEX_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "DELVEX_FUZZ needs Clang (libFuzzer): -DCMAKE_CXX_COMPILER=clang++-14")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()

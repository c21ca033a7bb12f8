# Compiler and linker hardening on everything this project compiles (security review L-18), included before any
# target is defined. What each flag buys:
#   -D_FORTIFY_SOURCE=3      glibc checks the sizes of memcpy, snprintf, read… at run time (3: also sizes only
#                            known at run time; GCC 12+ and Clang 12+, else 2). Needs optimisation, so not in
#                            Debug builds, and not under the sanitizers, which check the same calls themselves.
#   -D_GLIBCXX_ASSERTIONS    libstdc++ checks operator[] bounds, front() of empty containers and the like (no ABI
#                            change; everywhere, so the tests run the same code as the service).
#   -fstack-protector-strong canaries in functions with arrays or addresses taken.
#   -fstack-clash-protection stack probes, so a large alloca or VLA cannot jump over the guard page.
#   -fcf-protection          Intel CET (x86 only): indirect branch tracking and shadow-stack markers.
#   PIE, -z relro -z now     a position-independent executable whose relocation table is read-only after start.
#   -z noexecstack           no executable stack.
# `readelf` checks on the built binary: tests/integration/hardening_test.cpp.

option(DELVEX_HARDEN "Compile and link with the hardening flags of cmake/hardening.cmake" ON)
set(DELVEX_FORTIFY_LEVEL 0)
if(NOT DELVEX_HARDEN)
  return()
endif()

include(CheckCXXCompilerFlag)
include(CheckLinkerFlag)
include(CheckPIESupported)

check_pie_supported(LANGUAGES CXX)
set(CMAKE_POSITION_INDEPENDENT_CODE ON)

add_compile_definitions(_GLIBCXX_ASSERTIONS)

foreach(flag -fstack-protector-strong -fstack-clash-protection)
  string(MAKE_C_IDENTIFIER "DELVEX_HAS${flag}" var)
  check_cxx_compiler_flag(${flag} ${var})
  if(${var})
    add_compile_options(${flag})
  endif()
endforeach()

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|i.86)$")
  check_cxx_compiler_flag(-fcf-protection=full DELVEX_HAS_CF_PROTECTION)
  if(DELVEX_HAS_CF_PROTECTION)
    add_compile_options(-fcf-protection=full)
  endif()
endif()

if(NOT DELVEX_SANITIZE AND NOT DELVEX_FUZZ)
  if((CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12)
     OR (CMAKE_CXX_COMPILER_ID STREQUAL "Clang" AND CMAKE_CXX_COMPILER_VERSION VERSION_GREATER_EQUAL 12))
    set(DELVEX_FORTIFY_LEVEL 3)
  else()
    set(DELVEX_FORTIFY_LEVEL 2)
  endif()
  # Undefined first: some distributions' compilers define it already, and a redefinition is a warning.
  add_compile_options("$<$<NOT:$<CONFIG:Debug>>:-U_FORTIFY_SOURCE;-D_FORTIFY_SOURCE=${DELVEX_FORTIFY_LEVEL}>")
endif()

foreach(flag -Wl,-z,relro -Wl,-z,now -Wl,-z,noexecstack)
  string(MAKE_C_IDENTIFIER "DELVEX_HAS${flag}" var)
  check_linker_flag(CXX ${flag} ${var})
  if(${var})
    add_link_options(${flag})
  endif()
endforeach()

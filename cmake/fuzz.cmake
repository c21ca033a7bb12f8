# libFuzzer targets for every parser of untrusted input (tests/fuzz, docs/TESTING.md). Built only with
# -DDELVEX_FUZZ=ON and Clang; `cmake --build build-fuzz --target delvex_fuzz` builds them all without the
# Beast translation units: the edge parsers are compiled here from their own sources.

if(NOT DELVEX_FUZZ)
  return()
endif()

# The parsers that live in Beast-linked layers (whatsapp, app, delivery), taken alone.
add_library(delvex_fuzz_edges STATIC
  ${PROJECT_SOURCE_DIR}/bot/whatsapp/wire/inbound.cpp
  ${PROJECT_SOURCE_DIR}/bot/whatsapp/wire/envelope.cpp
  ${PROJECT_SOURCE_DIR}/bot/whatsapp/signature.cpp
  ${PROJECT_SOURCE_DIR}/bot/app/config.cpp
  ${PROJECT_SOURCE_DIR}/bot/whatsapp/proxy.cpp
  ${PROJECT_SOURCE_DIR}/bot/delivery/codec.cpp
  ${PROJECT_SOURCE_DIR}/bot/http/forums_body.cpp)
delvex_target(delvex_fuzz_edges)
target_link_libraries(delvex_fuzz_edges PUBLIC delvex_core delvex_forums nlohmann_json::nlohmann_json yaml-cpp
                                               SQLiteCpp OpenSSL::Crypto simdjson::simdjson)

add_custom_target(delvex_fuzz)
function(delvex_fuzz_target name)
  add_executable(${name} ${PROJECT_SOURCE_DIR}/tests/fuzz/${name}.cpp)
  delvex_target(${name})
  target_link_libraries(${name} PRIVATE ${ARGN})
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  target_compile_definitions(${name} PRIVATE DELVEX_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  add_dependencies(delvex_fuzz ${name})
endfunction()

delvex_fuzz_target(fuzz_webhook delvex_fuzz_edges)
delvex_fuzz_target(fuzz_update delvex_fuzz_edges)
delvex_fuzz_target(fuzz_signature delvex_fuzz_edges)
delvex_fuzz_target(fuzz_config delvex_fuzz_edges)
delvex_fuzz_target(fuzz_codec delvex_fuzz_edges)
delvex_fuzz_target(fuzz_admin delvex_fuzz_edges)
delvex_fuzz_target(fuzz_rrule delvex_forums)
delvex_fuzz_target(fuzz_academy delvex_domain)
delvex_fuzz_target(fuzz_community delvex_domain)
delvex_fuzz_target(fuzz_landing delvex_store)

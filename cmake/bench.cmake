# The benchmarks as build targets (bench/README.md has what each measures and the recorded results). None is
# built or run by default; each builds what it needs, runs, and prints its `[ bench … ]` lines:
#
#   cmake --build build --target bench_delivery   # pacing at 80/s and 1,000/s, headroom, fan-out, answers first, voice note
#   cmake --build build --target bench_rooms      # one post to a room of 10,000
#   cmake --build build --target bench_academy    # 10,000 learners answer at once
#   cmake --build build --target bench_forums     # 1,000 series × 1,000 occurrences; reminders to 10,000
#   cmake --build build --target bench_webhook    # webhook ingestion against nginx (needs wrk, nginx)
#   cmake --build build --target bench_flood      # public lookups flood beside webhooks (needs wrk)
#   cmake --build build --target bench_members    # `delvex members import` of a million rows, good and mistaken
#
# The scripts in bench/ take the same arguments by hand (rounds, sizes); the targets use their defaults.

# The delivery, rooms and Academy benchmarks are DISABLED_ cases of delvex_tests.
foreach(pair delivery:delivery_run.sh rooms:rooms_run.sh academy:academy_run.sh)
  string(REPLACE ":" ";" pair "${pair}")
  list(GET pair 0 name)
  list(GET pair 1 script)
  add_custom_target(bench_${name}
    COMMAND ${PROJECT_SOURCE_DIR}/bench/${script} ${CMAKE_BINARY_DIR}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    USES_TERMINAL VERBATIM)
  add_dependencies(bench_${name} delvex_tests)
endforeach()

# Forums: two programs of their own.
add_executable(bench_forums_occurrences EXCLUDE_FROM_ALL bench/forums_occurrences.cpp)
target_link_libraries(bench_forums_occurrences PRIVATE delvex_forums)
add_executable(bench_forums_fanout EXCLUDE_FROM_ALL bench/forums_fanout.cpp)
target_link_libraries(bench_forums_fanout PRIVATE delvex_app)
target_compile_definitions(bench_forums_fanout PRIVATE DELVEX_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_custom_target(bench_forums
  COMMAND ${CMAKE_COMMAND} -E env BENCH_OCCURRENCES=$<TARGET_FILE:bench_forums_occurrences>
          BENCH_FANOUT=$<TARGET_FILE:bench_forums_fanout> ${PROJECT_SOURCE_DIR}/bench/forums_bench.sh
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  USES_TERMINAL VERBATIM)
add_dependencies(bench_forums bench_forums_occurrences bench_forums_fanout)

# Webhook ingestion and the lookups flood run the `delvex` binary under wrk.
foreach(pair webhook:run.sh flood:flood.sh)
  string(REPLACE ":" ";" pair "${pair}")
  list(GET pair 0 name)
  list(GET pair 1 script)
  add_custom_target(bench_${name}
    COMMAND ${CMAKE_COMMAND} -E env DELVEX_BIN=$<TARGET_FILE:delvex> ${PROJECT_SOURCE_DIR}/bench/webhook/${script}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    USES_TERMINAL VERBATIM)
  add_dependencies(bench_${name} delvex)
endforeach()

# The console's queries on a seeded year of 100,000 members (bench/console_queries.cpp, bench/console_seed.*).
add_executable(bench_console_queries EXCLUDE_FROM_ALL bench/console_queries.cpp bench/console_seed.cpp)
target_link_libraries(bench_console_queries PRIVATE delvex_store)
target_include_directories(bench_console_queries PRIVATE ${PROJECT_SOURCE_DIR})
add_custom_target(bench_console
  COMMAND $<TARGET_FILE:bench_console_queries>
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  USES_TERMINAL VERBATIM)
add_dependencies(bench_console bench_console_queries)

# Members import: a million rows, good and with one systematic mistake (bench/members/run.sh).
add_executable(bench_members_new_db EXCLUDE_FROM_ALL bench/members/new_db.cpp)
target_link_libraries(bench_members_new_db PRIVATE delvex_store)
add_custom_target(bench_members
  COMMAND ${CMAKE_COMMAND} -E env DELVEX_BIN=$<TARGET_FILE:delvex> BENCH_NEW_DB=$<TARGET_FILE:bench_members_new_db>
          ${PROJECT_SOURCE_DIR}/bench/members/run.sh ${CMAKE_BINARY_DIR}
  WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
  USES_TERMINAL VERBATIM)
add_dependencies(bench_members delvex bench_members_new_db)

# One test binary per area, one ctest entry per CAF suite: a failed CAF_REQUIRE or expect
# aborts its whole binary, so each suite runs in its own process. Suites are discovered from
# the `#define CAF_SUITE <name>` line of each source file, so adding a file adds its ctest.
function(baorestore_caf_test_binary target)
  cmake_parse_arguments(arg "" "" "SOURCES;LIBRARIES" ${ARGN})
  add_executable(${target} ${CMAKE_SOURCE_DIR}/tests/caf_test_main.cpp ${arg_SOURCES})
  target_link_libraries(${target} PRIVATE ${arg_LIBRARIES} caf::core)
  baorestore_warnings(${target})
  foreach(src ${arg_SOURCES})
    file(STRINGS ${src} suite_line REGEX "^#define CAF_SUITE ")
    if(NOT suite_line)
      continue()
    endif()
    string(REGEX REPLACE "^#define CAF_SUITE ([A-Za-z0-9_.]+).*$" "\\1" suite "${suite_line}")
    add_test(NAME ${target}.${suite}
             COMMAND ${target} -r300 -n -s "^${suite}$")
    # A suite filter that matches nothing would pass silently: fail on "tests: 0".
    set_tests_properties(${target}.${suite} PROPERTIES TIMEOUT 300
      FAIL_REGULAR_EXPRESSION "tests: +0[\r\n]")
  endforeach()
endfunction()

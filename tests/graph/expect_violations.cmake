# Runs check_stage_graph.cmake on tests/graph/fixture, whose includes break every rule once,
# and fails unless the checker fails and names each violation.
cmake_minimum_required(VERSION 3.25)
set(fixture ${CMAKE_CURRENT_LIST_DIR}/fixture)
execute_process(
    COMMAND ${CMAKE_COMMAND} -DGRAPH=${fixture}/stages.cmake -DROOT=${fixture}
        -DDOC=${fixture}/architecture.md
        -P ${CMAKE_CURRENT_LIST_DIR}/check_stage_graph.cmake
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
if(result EQUAL 0)
    message(FATAL_ERROR "the checker passed a graph it must refuse:\n${output}")
endif()
# Line breaks inside CMake's message wrapping are undone before matching.
string(REGEX REPLACE "[ \t\r\n]+" " " flat "${output}")
foreach(expected
        "include/sipdx/stray/ belongs to no stage"
        "include/sipdx/alpha/alpha.h: alpha includes beta, a later stage"
        "src/beta/beta.cpp: beta reaches into src/gamma/detail/"
        "src/gamma/gamma.cpp: gamma includes alpha, which sipdx_stage(gamma DEPS ...) does not name"
        "src/gamma/gamma.cpp: includes <sipdx/omega/...>, but there is no stage omega"
        "sipdx_stage(gamma) names beta in DEPS, but nothing"
        "the graph table gives beta 'alpha, gamma', the build declares 'alpha'"
        "the graph table (| stage | DEPS | ...) has no row for gamma"
        "8 violation(s)")
    string(FIND "${flat}" "${expected}" at)
    if(at LESS 0)
        message(FATAL_ERROR "the checker did not report: ${expected}\n${output}")
    endif()
endforeach()
message(STATUS "the checker refused the fixture for the eight expected reasons")

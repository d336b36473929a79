# The installation test: installs the built library into a fresh prefix, builds
# tests/install/consumer against it (its own project: find_package(sipdx), sipdx::sipdx), runs
# it on the bundled sample capture, and checks its figures against the CLI of the same build;
# a second program links one stage (sipdx::decode) alone.
# Arguments (-D): BUILD_DIR, WORK_DIR, SOURCE_DIR, CLI, CXX, GENERATOR, BUILD_TYPE.
cmake_minimum_required(VERSION 3.25)

function(run what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "${what} failed (${result}):\n${out}")
    endif()
    set(output "${out}" PARENT_SCOPE)
endfunction()

set(prefix ${WORK_DIR}/prefix)
set(consumer_build ${WORK_DIR}/consumer)
file(REMOVE_RECURSE ${WORK_DIR})

run("install" ${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix} --component development)
foreach(installed include/sipdx/sipdx.h include/sipdx/decode/message_reader.h
        lib/cmake/sipdx/sipdx-config.cmake lib/cmake/sipdx/sipdx-config-version.cmake)
    if(NOT EXISTS ${prefix}/${installed})
        message(FATAL_ERROR "not installed: ${installed}")
    endif()
endforeach()

run("configuring the consumer" ${CMAKE_COMMAND} -S ${SOURCE_DIR}/tests/install/consumer
    -B ${consumer_build} -G "${GENERATOR}" -DCMAKE_CXX_COMPILER=${CXX}
    -DCMAKE_BUILD_TYPE=${BUILD_TYPE} -DCMAKE_PREFIX_PATH=${prefix})
# It must find the package in the prefix, not in the build tree or anywhere else.
file(STRINGS ${consumer_build}/CMakeCache.txt sipdx_dir REGEX "^sipdx_DIR:")
if(NOT sipdx_dir MATCHES "${prefix}/")
    message(FATAL_ERROR "the consumer found sipdx elsewhere: ${sipdx_dir}")
endif()
run("building the consumer" ${CMAKE_COMMAND} --build ${consumer_build})

set(sample ${SOURCE_DIR}/tests/data/sample/sipdx-sample.pcap)
run("the consumer" ${consumer_build}/consumer ${sample} busy-1@sipdx.test)
set(consumer_output "${output}")
message(STATUS "consumer:\n${consumer_output}")

# The same figures from the CLI built in this tree.
run("sipdx messages --count" ${CLI} messages --count ${sample})
string(STRIP "${output}" expected_messages)
run("sipdx analyze --json" ${CLI} analyze --json --threads 1 ${sample})
string(JSON expected_call_ids GET "${output}" messages call_ids)

foreach(expected "messages ${expected_messages}\n" "call_ids ${expected_call_ids}\n"
        "call failed 486: ")
    string(FIND "${consumer_output}" "${expected}" at)
    if(at LESS 0)
        message(FATAL_ERROR "the consumer did not print '${expected}':\n${consumer_output}")
    endif()
endforeach()
run("count_messages (sipdx::decode alone)" ${consumer_build}/count_messages ${sample})
string(STRIP "${output}" stage_messages)
if(NOT stage_messages STREQUAL expected_messages)
    message(FATAL_ERROR "count_messages printed '${stage_messages}', sipdx '${expected_messages}'")
endif()
if(expected_messages LESS 1 OR expected_call_ids LESS 1)
    message(FATAL_ERROR "the sample gave nothing: ${expected_messages} / ${expected_call_ids}")
endif()

# Determinism: the transcript hash of every spec scenario and every
# scenario corpus input must not depend on the process.  `mucsim hash`
# already runs each twice in one process; this runs it again with a padded
# environment (another environment size, so another stack layout), and with
# the other build's binary when there is one (sanitizers against plain
# release), and compares.
#   cmake -DMUCSIM=path -DOTHER=path -DSOURCE_DIR=path -P determinism.cmake
file(GLOB files ${SOURCE_DIR}/spec/*.scs ${SOURCE_DIR}/corpus/scenario_fuzzer/*
     ${SOURCE_DIR}/corpus/regressions/scenario_fuzzer/*)
string(REPEAT "x" 8191 padding)

function(hashes out binary)
  execute_process(COMMAND ${ARGN} ${binary} hash ${files}
                  OUTPUT_VARIABLE text RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${binary} hash failed (${status}):\n${text}")
  endif()
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

hashes(plain ${MUCSIM})
hashes(padded ${MUCSIM} ${CMAKE_COMMAND} -E env MUCSIM_PADDING=${padding})
if(NOT plain STREQUAL padded)
  message(FATAL_ERROR "hashes differ with a padded environment:\n${plain}\n---\n${padded}")
endif()
if(EXISTS ${OTHER})
  hashes(other ${OTHER})
  if(NOT plain STREQUAL other)
    message(FATAL_ERROR "hashes differ between ${MUCSIM} and ${OTHER}:\n${plain}\n---\n${other}")
  endif()
  message(STATUS "same hashes from ${MUCSIM} and ${OTHER}")
else()
  message(STATUS "skipped the comparison across builds: ${OTHER} is not built")
endif()
list(LENGTH files n)
message(STATUS "${n} runs, each the same every time")

# cmake -DCMD="kiln;args..." -DCODE=n [-DSTDERR=regex] [-DSTDOUT=regex]
#       [-DTRUNCATE_FROM=file -DTRUNCATE_TO=file -DTRUNCATE_BYTES=n] -P expect.cmake
# Runs a command and checks its exit status and output. For bad input Kiln must
# print exactly one line on stderr.
if(TRUNCATE_FROM)
  execute_process(COMMAND head -c ${TRUNCATE_BYTES} "${TRUNCATE_FROM}" OUTPUT_FILE "${TRUNCATE_TO}" RESULT_VARIABLE r)
  if(NOT r EQUAL 0)
    message(FATAL_ERROR "cannot make the truncated file")
  endif()
endif()
string(REPLACE "|" ";" CMD "${CMD}")  # arguments arrive |-separated
execute_process(COMMAND ${CMD} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
if(NOT rc STREQUAL "${CODE}")
  message(FATAL_ERROR "exit status ${rc}, expected ${CODE}\nstdout: ${out}\nstderr: ${err}")
endif()
if(DEFINED STDERR AND NOT err MATCHES "${STDERR}")
  message(FATAL_ERROR "stderr does not match '${STDERR}':\n${err}")
endif()
if(DEFINED STDOUT AND NOT out MATCHES "${STDOUT}")
  message(FATAL_ERROR "stdout does not match '${STDOUT}':\n${out}")
endif()
if(NOT CODE EQUAL 0)
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines n)
  if(NOT n EQUAL 1)
    message(FATAL_ERROR "expected exactly one line on stderr, got ${n}:\n${err}")
  endif()
endif()

# Public headers (engine/include/konfero) may include only other public
# headers, abseil and the standard library: never engine/src internals.
# Run as: cmake -DINCLUDE_DIR=... -P public_headers.cmake
file(GLOB_RECURSE headers ${INCLUDE_DIR}/konfero/*.h)
set(bad "")
foreach(h ${headers})
  file(STRINGS ${h} lines REGEX "^#include \"")
  foreach(line ${lines})
    if(NOT line MATCHES "^#include \"(konfero|absl)/")
      list(APPEND bad "${h}: ${line}")
    endif()
  endforeach()
endforeach()
list(LENGTH headers count)
if(bad)
  string(REPLACE ";" "\n" bad "${bad}")
  message(FATAL_ERROR "public headers include internals:\n${bad}")
endif()
message(STATUS "${count} public headers include only public headers, abseil and std")

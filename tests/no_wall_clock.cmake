# The media and control planes never read the wall clock: ICE consent, DTLS
# and SCTP timers, RTP timeouts and RTCP intervals run on the worker's
# injected MonotonicClock, so an NTP step or a change of the system time
# expires no peer (docs/media_plane.md). This fails if one of their sources
# calls absl::Now(), a system_clock, time(), gettimeofday or CLOCK_REALTIME.
# Run as: cmake -DSOURCE_DIR=<repo>/engine/src -P no_wall_clock.cmake
cmake_minimum_required(VERSION 3.20)
set(dirs media control transport plain_rtp stun dtls sctp)
# What reads the wall clock. time( only as a call of its own, not ptime( or
# Lifetime( or a member .time().
set(wall_clock
  "absl::Now\\(\\)"
  "absl::GetCurrentTimeNanos"
  "system_clock"
  "gettimeofday"
  "CLOCK_REALTIME"
  "[^A-Za-z0-9_.>]time\\(")
# Uses that need the wall clock and are not timers: an X.509 certificate's
# validity (notBefore/notAfter) is wall-clock time by definition.
set(allowed_files dtls/dtls_certificate.cc)
set(allowed_lines "DtlsCertificate::Generate\\(absl::Now\\(\\)\\)")

string(REPLACE ";" "|" any "${wall_clock}")
set(bad "")
set(checked 0)
foreach(dir ${dirs})
  file(GLOB_RECURSE sources RELATIVE ${SOURCE_DIR} ${SOURCE_DIR}/${dir}/*.h ${SOURCE_DIR}/${dir}/*.cc)
  foreach(source ${sources})
    math(EXPR checked "${checked} + 1")
    if(source IN_LIST allowed_files)
      continue()
    endif()
    file(STRINGS ${SOURCE_DIR}/${source} lines REGEX "(${any})")
    foreach(line ${lines})
      # Comments may name what the code must not do.
      string(REGEX REPLACE "//.*$" "" code " ${line}")
      if(NOT code MATCHES "(${any})")
        continue()
      endif()
      set(ok FALSE)
      foreach(allowed ${allowed_lines})
        if(code MATCHES "${allowed}")
          set(ok TRUE)
        endif()
      endforeach()
      if(NOT ok)
        string(STRIP "${line}" line)
        string(APPEND bad "\n  ${source}: ${line}")
      endif()
    endforeach()
  endforeach()
endforeach()
if(checked EQUAL 0)
  message(FATAL_ERROR "no sources under ${SOURCE_DIR}: wrong SOURCE_DIR?")
endif()
if(bad)
  message(FATAL_ERROR "the media and control planes read the wall clock "
                      "(use the injected MonotonicClock):${bad}")
endif()
string(REPLACE ";" "," dirs "${dirs}")
message(STATUS "${checked} sources of engine/src/{${dirs}} read no wall clock")

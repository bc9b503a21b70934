# Dependencies come from Debian 12 packages only (scripts/deps installs them).
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(nlohmann_json 3 REQUIRED)
find_package(Boost 1.81 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(PQXX REQUIRED IMPORTED_TARGET libpqxx)
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET libargon2)
pkg_check_modules(POPPLER_CPP REQUIRED IMPORTED_TARGET poppler-cpp)
find_package(CLI11 REQUIRED)
# Howard Hinnant's date library (header-only): the calendar of ISO 8601 dates.
find_path(DATE_INCLUDE_DIR date/date.h REQUIRED)

# CAF 0.17 ships no CMake package config.
find_path(CAF_INCLUDE_DIR caf/all.hpp REQUIRED)
find_library(CAF_CORE_LIBRARY caf_core REQUIRED)
add_library(caf::core INTERFACE IMPORTED)
target_include_directories(caf::core INTERFACE ${CAF_INCLUDE_DIR})
target_link_libraries(caf::core INTERFACE ${CAF_CORE_LIBRARY} Threads::Threads)

# Beast/Asio are header-only; one target carries the defines we want everywhere.
add_library(siberius_boost INTERFACE)
target_link_libraries(siberius_boost INTERFACE Boost::headers Threads::Threads)
target_compile_definitions(siberius_boost INTERFACE
  BOOST_ASIO_NO_DEPRECATED)

# siberius_add_caf_suites(<test binary> <suite>...) registers one ctest per
# caf-test suite, so ctest prints the totals and a hung suite times out alone.
function(siberius_add_caf_suites binary)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SUITES;LABELS" ${ARGN})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  foreach(suite IN LISTS ARG_SUITES)
    add_test(NAME ${suite} COMMAND ${binary} -r 60 -s "^${suite}$")
    set_tests_properties(${suite} PROPERTIES TIMEOUT ${ARG_TIMEOUT}
      LABELS "${ARG_LABELS}"
      ENVIRONMENT "SIBERIUS_SOURCE_DIR=${PROJECT_SOURCE_DIR};SIBERIUS_BINARY_DIR=${PROJECT_BINARY_DIR}")
  endforeach()
endfunction()

# jemalloc for the server: its ingest allocates and frees many small blocks
# across threads, where glibc's malloc spent a quarter of the server's CPU
# (bench/README.md). Off: the server uses glibc's malloc and trims it itself.
option(SIBERIUS_WITH_JEMALLOC "Link siberius-server with jemalloc" ON)
if(SIBERIUS_WITH_JEMALLOC)
  pkg_check_modules(JEMALLOC REQUIRED IMPORTED_TARGET jemalloc)
endif()

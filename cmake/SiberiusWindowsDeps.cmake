# The Windows (mingw-w64) build of the daemon: the same target names as
# SiberiusDeps.cmake, from the prefix scripts/windows/deps.sh builds
# (SIBERIUS_WINDOWS_PREFIX) and, for the header-only libraries, Debian's own
# headers. Only log/, platform/, net/client, pdf/ and daemon/ are built.
if(NOT SIBERIUS_WINDOWS_PREFIX)
  message(FATAL_ERROR "set SIBERIUS_WINDOWS_PREFIX (scripts/windows/deps.sh --print-prefix)")
endif()
set(P ${SIBERIUS_WINDOWS_PREFIX})

find_package(Threads REQUIRED)

# Boost, nlohmann/json and CLI11 are header-only; /usr/include as a whole
# would bring glibc's headers in, so a folder of links names only these.
set(host_headers ${CMAKE_BINARY_DIR}/host-headers)
file(MAKE_DIRECTORY ${host_headers})
foreach(dir boost nlohmann CLI date)
  if(NOT EXISTS ${host_headers}/${dir})
    file(CREATE_LINK /usr/include/${dir} ${host_headers}/${dir} SYMBOLIC)
  endif()
endforeach()

add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
target_include_directories(nlohmann_json::nlohmann_json SYSTEM INTERFACE ${host_headers})
add_library(CLI11::CLI11 INTERFACE IMPORTED)
target_include_directories(CLI11::CLI11 SYSTEM INTERFACE ${host_headers})

add_library(siberius_boost INTERFACE)
target_include_directories(siberius_boost SYSTEM INTERFACE ${host_headers})
target_link_libraries(siberius_boost INTERFACE Threads::Threads ws2_32 mswsock)
# Windows 10 APIs; Asio without the deprecated names, as on Linux.
target_compile_definitions(siberius_boost INTERFACE BOOST_ASIO_NO_DEPRECATED _WIN32_WINNT=0x0A00 WIN32_LEAN_AND_MEAN
  NOMINMAX)

add_library(OpenSSL::Crypto STATIC IMPORTED)
set_target_properties(OpenSSL::Crypto PROPERTIES IMPORTED_LOCATION ${P}/lib/libcrypto.a
  INTERFACE_INCLUDE_DIRECTORIES ${P}/include INTERFACE_LINK_LIBRARIES "ws2_32;crypt32;advapi32;user32")
add_library(OpenSSL::SSL STATIC IMPORTED)
set_target_properties(OpenSSL::SSL PROPERTIES IMPORTED_LOCATION ${P}/lib/libssl.a
  INTERFACE_INCLUDE_DIRECTORIES ${P}/include INTERFACE_LINK_LIBRARIES OpenSSL::Crypto)

add_library(caf::core INTERFACE IMPORTED)
target_include_directories(caf::core SYSTEM INTERFACE ${P}/include)
target_link_libraries(caf::core INTERFACE ${P}/lib/libcaf_core_static.a Threads::Threads ws2_32 iphlpapi psapi)

# poppler-cpp, then what it needs, in link order (scripts/windows/README.md).
add_library(PkgConfig::POPPLER_CPP INTERFACE IMPORTED)
target_include_directories(PkgConfig::POPPLER_CPP SYSTEM INTERFACE ${P}/include/poppler/cpp)
target_link_libraries(PkgConfig::POPPLER_CPP INTERFACE ${P}/lib/libpoppler-cpp.a ${P}/lib/libpoppler.a
  ${P}/lib/libfreetype.a ${P}/lib/libiconv.a z gdi32 advapi32 user32)

# One self-contained .exe each: no mingw runtime DLLs beside it.
add_link_options(-static -static-libgcc -static-libstdc++)
add_compile_definitions(UNICODE _UNICODE)

function(siberius_add_caf_suites binary)
endfunction()

# The daemon's PDF reading: SHA-256 of the file, the positioned words poppler
# finds, and the metadata rules (extract_rules.cpp). Included from
# daemon/CMakeLists.txt; the daemon and tests/daemon_extract link siberius_pdf.
include_guard(GLOBAL)

add_library(siberius_pdf STATIC
  ${CMAKE_CURRENT_LIST_DIR}/pdf_text.cpp
  ${CMAKE_CURRENT_LIST_DIR}/extract_rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pdf_reader.cpp)
target_include_directories(siberius_pdf PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(siberius_pdf PUBLIC PkgConfig::POPPLER_CPP OpenSSL::Crypto)

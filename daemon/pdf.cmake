# The daemon's PDF reading: SHA-256 of the file, the positioned words poppler
# finds, and the metadata rules (extract_rules.cpp). Included from
# daemon/CMakeLists.txt; the daemon and tests/daemon_extract link siberius_pdf.
include_guard(GLOBAL)

# pdf_facts, its JSON form and the driver of a siberius-pdf-reader process,
# without poppler: shared by the reader, the daemon and the server (uploads).
add_library(siberius_pdf_facts STATIC ${CMAKE_CURRENT_LIST_DIR}/pdf_facts.cpp ${CMAKE_CURRENT_LIST_DIR}/reader_process.cpp)
target_include_directories(siberius_pdf_facts PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(siberius_pdf_facts PUBLIC nlohmann_json::nlohmann_json)

add_library(siberius_pdf STATIC
  ${CMAKE_CURRENT_LIST_DIR}/pdf_text.cpp
  ${CMAKE_CURRENT_LIST_DIR}/extract_rules.cpp
  ${CMAKE_CURRENT_LIST_DIR}/pdf_reader.cpp)
target_include_directories(siberius_pdf PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(siberius_pdf PUBLIC siberius_pdf_facts PkgConfig::POPPLER_CPP OpenSSL::Crypto)

# bench-extract: read_pdf with 1 and 2 workers beside a minimal poppler-cpp +
# SHA-256 loop over N distinct copies of the corpus (bench/extract_run.sh).
# The library is siberius_pdf (pdf/CMakeLists.txt).
add_executable(bench-extract ${CMAKE_CURRENT_LIST_DIR}/extract_bench.cpp)
target_compile_definitions(bench-extract PRIVATE SIBERIUS_BENCH_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
target_link_libraries(bench-extract PRIVATE siberius_pdf siberius_bench_support CLI11::CLI11)

// What a fuzz target says when a property it checks does not hold: the
// input then counts as a crash (libFuzzer keeps it, the replay fails).
#pragma once

#include <cstdio>
#include <cstdlib>

#define FUZZ_CHECK(cond)                                                                        \
  do {                                                                                          \
    if (!(cond)) {                                                                              \
      std::fprintf(stderr, "%s:%d: property does not hold: %s\n", __FILE__, __LINE__, #cond);   \
      std::abort();                                                                             \
    }                                                                                           \
  } while (0)

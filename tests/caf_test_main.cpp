// The one translation unit of each test binary that defines CAF's test runner `main`.
// Suites live in their own files (`#define CAF_SUITE <name>`); cmake/caf_tests.cmake gives
// each suite its own ctest entry.
#include "caf/test/unit_test_impl.hpp"

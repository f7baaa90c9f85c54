// How long a piece of work takes in CPU time, for the tests that check that a cost grows
// linearly (a ratio of two timings in one run, never a fixed limit).
#pragma once

#include <ctime>

// CPU time, not wall time: the machine running the tests may be busy with other work.
template <typename F>
double cpu_seconds(F&& f) {
  const std::clock_t start = std::clock();
  f();
  return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

// Latencies of one request kind, kept whole (a full replay is ~0.4M samples) so the
// percentiles are exact.
#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace scimd::replay {

class LatencyLog {
 public:
  void add(std::chrono::steady_clock::duration elapsed) {
    micros_.push_back(static_cast<std::uint32_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
  }
  std::size_t count() const { return micros_.size(); }
  // The smallest sample with at least `fraction` of all samples at or below it, in ms.
  double percentile_ms(double fraction) const {
    if (micros_.empty()) return 0;
    std::vector<std::uint32_t> sorted = micros_;
    const auto rank =
        static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(sorted.size())));
    const std::size_t index = std::clamp<std::size_t>(rank, 1, sorted.size()) - 1;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<std::ptrdiff_t>(index),
                     sorted.end());
    return sorted[index] / 1000.0;
  }
  double max_ms() const {
    return micros_.empty() ? 0 : *std::max_element(micros_.begin(), micros_.end()) / 1000.0;
  }

 private:
  std::vector<std::uint32_t> micros_;
};

}  // namespace scimd::replay

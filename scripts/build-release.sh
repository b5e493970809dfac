#!/usr/bin/env bash
# Configure and build the Release tree build/release (Ninja, ccache through CMakeLists.txt).
#   bash scripts/build-release.sh [TARGET...]      (no target: everything, tests included)
# Used by run-demo.sh, test.sh and bench/run so all three share one configuration.
# GCC 12 at -O3 reports false -Wrestrict/-Warray-bounds/-Wstringop-* positives inside
# std::string (GCC bugs 105329, 105651) and false -Wmaybe-uninitialized in std::optional;
# with -Werror they would stop the build, so in Release they stay warnings. Debug and
# sanitizer builds keep every warning an error.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RELEASE_CXXFLAGS="-Wno-error=restrict -Wno-error=array-bounds -Wno-error=stringop-overflow"
RELEASE_CXXFLAGS+=" -Wno-error=stringop-overread -Wno-error=maybe-uninitialized"
cmake -S "$ROOT" -B "$ROOT/build/release" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DSCIMD_TESTS=ON -DCMAKE_CXX_FLAGS="$RELEASE_CXXFLAGS" > /dev/null
ninja -C "$ROOT/build/release" -j"${JOBS:-2}" "$@"

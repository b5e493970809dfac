#!/usr/bin/env bash
# Google Benchmark micro-benchmarks (bench/micro/): filter parsing, evaluation and SQL
# translation, PATCH application, JSON rendering and parsing, and a 25-member PATCH through the
# SQLite store on groups of 100 and 100,000 members.
#   bash bench/micro.sh          Release build in build/micro (-DSCIMD_BENCH=ON), a full run:
#                                bench/results/<date>/micro.json, and the section
#                                "## Micro-benchmarks" of bench/RESULTS.md (also kept in
#                                bench/results/micro.md) rewritten
#   bash bench/micro.sh --quick  smoke: every benchmark for ~0.01 s, JSON to a temp dir, the table
#                                printed; RESULTS.md untouched. Fails if a benchmark errs.
# Env: MICRO_BUILD_DIR (default build/micro), JOBS (default 2) for ninja.
set -euo pipefail
{ # one block: bash reads the whole script before running it, so edits cannot change a run
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
MODE=full
case "${1-}" in
  --quick) MODE=quick ;;
  "") ;;
  *) echo "usage: bench/micro.sh [--quick]" >&2; exit 2 ;;
esac
CMD="bash bench/micro.sh${1:+ $1}"
BUILD=${MICRO_BUILD_DIR:-$ROOT/build/micro}
for tool in jq awk cmake ninja; do
  command -v "$tool" >/dev/null || { echo "micro: $tool is missing: run scripts/setup.sh" >&2; exit 2; }
done

# The Release flags of scripts/build-release.sh (GCC 12's false positives stay warnings), so
# ccache shares the library objects with build/release.
RELEASE_CXXFLAGS="-Wno-error=restrict -Wno-error=array-bounds -Wno-error=stringop-overflow"
RELEASE_CXXFLAGS+=" -Wno-error=stringop-overread -Wno-error=maybe-uninitialized"
echo "micro: building scimd_micro in $BUILD"
cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DSCIMD_BENCH=ON -DCMAKE_CXX_FLAGS="$RELEASE_CXXFLAGS" > /dev/null
ninja -C "$BUILD" -j"${JOBS:-2}" scimd_micro

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/scimd-micro.XXXXXX")
trap 'rm -rf "$SCRATCH"' EXIT
trap 'exit 130' INT TERM
if [ "$MODE" = quick ]; then
  OUT="$SCRATCH/micro.json"
  ARGS=(--benchmark_min_time=0.01)
else
  OUT="$ROOT/bench/results/$(date -u +%F)/micro.json"
  mkdir -p "$(dirname "$OUT")"
  ARGS=()
fi
# The store benchmark's database lives on the same disk as a server's would (not tmpfs).
mkdir -p "$BUILD/tmp"
SCIMD_MICRO_DIR="$BUILD/tmp" timeout -k 10 900 "$BUILD/bench/micro/scimd_micro" "${ARGS[@]}" \
  --benchmark_out="$OUT" --benchmark_out_format=json

failed=$(jq -r '[.benchmarks[] | select(.error_occurred == true) | .name] | join(", ")' "$OUT")
if [ -n "$failed" ]; then
  echo "micro: benchmarks that failed: $failed" >&2
  exit 1
fi

# The table: time per operation (CPU time; wall time for /real_time benchmarks, whose work
# runs on another thread), and items per second where an operation is more than one item.
table() {
  echo "| benchmark | ns/op | items/s |"
  echo "|---|---:|---:|"
  jq -r '.benchmarks[] | [.name, (if (.name | endswith("/real_time")) then .real_time else .cpu_time end),
    .time_unit, (.items_per_second // 0)] | @tsv' "$OUT" |
    awk -F'\t' '
      function commas(x,    s, out) {  # 1234567 -> 1,234,567
        s = sprintf("%.0f", x)
        while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
        return s out
      }
      {
        scale = ($3 == "us") ? 1e3 : ($3 == "ms") ? 1e6 : ($3 == "s") ? 1e9 : 1
        ns = $2 * scale
        per_op = $4 * ns / 1e9
        items = (per_op > 1.5) ? commas($4) : ""
        printf "| `%s` | %s | %s |\n", $1, (ns < 100 ? sprintf("%.1f", ns) : commas(ns)), items
      }'
}
# Cost of the member PATCH on the big group against the small one (issue 7: at most 1.5x).
ratio=$(jq -r '[.benchmarks[] | select(.name | startswith("BM_StoreGroupAdd25Members/")) | .real_time]
  | if length == 2 then (.[1] / .[0] * 100 | round / 100 | tostring) else "?" end' "$OUT")

if [ "$MODE" = quick ]; then
  table
  echo "micro: smoke run ok (timings not checked); 100k/100-member PATCH ratio ${ratio}x"
  exit 0
fi

commit=$(git -C "$ROOT" rev-parse --short HEAD)
[ -z "$(git -C "$ROOT" status --porcelain -- src bench/micro bench/micro.sh)" ] || commit+=" (with uncommitted changes)"
SECTION="$ROOT/bench/results/micro.md"
{
  echo "## Micro-benchmarks (\`bash bench/micro.sh\`)"
  echo
  echo "$(date -u '+%F %H:%M UTC'), commit $commit, \`$CMD\` (Google Benchmark, Release, one"
  echo "run each; raw JSON: \`bench/results/$(date -u +%F)/micro.json\`). Load average at the start:"
  echo "$(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores; other work shares the machine, so compare"
  echo "figures of one run with each other, and wall-clock ones (the store's) least precisely."
  echo
  table
  echo
  echo "- \`BM_StoreGroupAdd25Members/N\`: Entra's PATCH adding 25 members to a group of N members"
  echo "  through the SQLite store (one durable commit each); N=100000 costs ${ratio}x N=100."
  echo "- \`BM_RenderGroup/N\`: a GET of a group with N members; items/s counts members."
  echo "- \`BM_FilterToSql\` covers the translation only; the engine's planning is not included."
  echo
} > "$SECTION"

# shellcheck source=bench/sections.sh
source "$ROOT/bench/sections.sh"
replace_section "Micro-benchmarks" "$SECTION"
cat "$SECTION"
echo "micro: wrote $OUT and the micro-benchmark section of bench/RESULTS.md"
exit 0
}

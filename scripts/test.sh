#!/usr/bin/env bash
# The one test command: installs what is missing, builds, and runs every test.
#   bash scripts/test.sh
# Steps (each one runs even if an earlier one failed, unless it needs that one's output):
#   1. scripts/setup.sh (Debian packages), then a throwaway PostgreSQL cluster for the tests
#      (scripts/pg-test-cluster.sh; SCIMD_TEST_PG_URL)
#   2. Release build in build/release + ctest (the integration tests run on both backends:
#      IntegrationSuite.Test on SQLite, pg.IntegrationSuite.Test on PostgreSQL)
#   3. ASan+UBSan build in build/asan (-DSCIMD_SANITIZE=ON, Debug at -O1) + ctest
#   4. fuzz smoke: clang build in build/fuzz (-DSCIMD_FUZZ=ON), each target ~30 s on its corpus
#   5. Microsoft's Postman collection against the release scimd, once on a fresh SQLite db and
#      once on a fresh schema of the PostgreSQL test cluster (each its own step)
#   6. bench/run --quick: every benchmark at small sizes (peers, Entra replay, big tenants,
#      micro-benchmarks); a smoke run, no assertions on timings
# Developer knobs: SKIP_ASAN=1 SKIP_FUZZ=1 SKIP_POSTMAN=1 SKIP_BENCH=1 (step 6); QUICK=1
# skips ASan, fuzz and bench. FUZZ_SECONDS (default 30) per fuzz target. JOBS (default 2) for
# ninja/ctest.
# Last line: "N passed, N failed" = ctest tests (release + asan) + Postman assertions + one per
# fuzz target + one failure per step that failed before it could count anything (e.g. a build).
# Exit status: 0 only if nothing failed.
set -uo pipefail
# The whole script is one block, so bash has read all of it before it runs: editing or
# pulling this file during a run cannot change the run.
{

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ROOT=$(git -C "$ROOT" rev-parse --show-toplevel 2>/dev/null || echo "$ROOT")
SHARED=$(cd "$ROOT/../shared" 2>/dev/null && pwd || echo "$ROOT/../shared")
cd "$ROOT"

JOBS=${JOBS:-2}
# ccache and the newman cache live under $HOME; CI may start with a bare environment.
HOME=${HOME:-$(getent passwd "$(id -u)" | cut -d: -f6)}
export HOME
FUZZ_SECONDS=${FUZZ_SECONDS:-30}
if [ "${QUICK:-0}" = 1 ]; then SKIP_ASAN=1 SKIP_FUZZ=1 SKIP_BENCH=1; fi
SKIP_ASAN=${SKIP_ASAN:-0} SKIP_FUZZ=${SKIP_FUZZ:-0} SKIP_POSTMAN=${SKIP_POSTMAN:-0} SKIP_BENCH=${SKIP_BENCH:-0}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/scimd-test.XXXXXX")
SERVER_PID=""
# Not under $WORK: mktemp makes that 0700 root, and the cluster belongs to the postgres user.
PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/scimd-pg.XXXXXX")
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  bash "$ROOT/scripts/pg-test-cluster.sh" stop "$PG_DIR" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PASSED=0
FAILED=0
SUMMARY=()
START_ALL=$(date +%s)
note() { SUMMARY+=("$(printf '%-34s %s' "$1" "$2")"); }
banner() { printf '\n===== %s =====\n' "$*"; }
elapsed() { echo "$(($(date +%s) - $1))s"; }
step_failed() { FAILED=$((FAILED + 1)); note "$1" "FAILED ($2)"; }

# configure DIR ARGS... : cmake configure (Ninja); keeps an existing cache.
configure() {
  local dir=$1
  shift
  cmake -S "$ROOT" -B "$dir" -G Ninja "$@"
}

# run_ctest LABEL BUILD_DIR [ENV...] : runs ctest, adds its counts from the JUnit report.
run_ctest() {
  local label=$1 dir=$2 junit t0 pass fail skip
  shift 2
  junit="$WORK/$(basename "$dir").junit.xml"
  t0=$(date +%s)
  env "$@" ctest --test-dir "$dir" -j"$JOBS" --output-on-failure --timeout 300 --output-junit "$junit"
  local rc=$?
  if [ ! -s "$junit" ]; then
    step_failed "$label" "ctest wrote no report, exit $rc"
    return
  fi
  pass=$(grep -c '<testcase [^>]*status="run"' "$junit")
  fail=$(grep -c '<testcase [^>]*status="fail"' "$junit")
  skip=$(grep -Ec '<testcase [^>]*status="(notrun|disabled)"' "$junit")
  PASSED=$((PASSED + pass))
  FAILED=$((FAILED + fail))
  if [ "$pass" -eq 0 ] && [ "$fail" -eq 0 ]; then
    step_failed "$label" "no tests ran"
  elif [ "$fail" -gt 0 ] || [ "$rc" -ne 0 ]; then
    [ "$fail" -gt 0 ] || FAILED=$((FAILED + 1))
    note "$label" "FAILED: $pass passed, $fail failed, $skip skipped ($(elapsed "$t0"))"
  else
    note "$label" "ok: $pass passed, $skip skipped ($(elapsed "$t0"))"
  fi
}

# ---------------------------------------------------------------- 1. packages
banner "setup"
if ! bash "$ROOT/scripts/setup.sh"; then
  step_failed "setup.sh" "package install failed"
fi

# A throwaway PostgreSQL 15 cluster (initdb in $WORK, a free loopback port, stopped by cleanup)
# for the tests of the PostgreSQL store code; its URL reaches them as SCIMD_TEST_PG_URL.
banner "PostgreSQL test cluster"
if SCIMD_TEST_PG_URL=$(bash "$ROOT/scripts/pg-test-cluster.sh" start "$PG_DIR"); then
  export SCIMD_TEST_PG_URL
  note "postgres test cluster" "ok ($SCIMD_TEST_PG_URL)"
else
  step_failed "postgres test cluster" "scripts/pg-test-cluster.sh start failed"
fi

# ---------------------------------------------------------------- 2. release
banner "release build (build/release)"
RELEASE_OK=0
t0=$(date +%s)
if JOBS=$JOBS bash scripts/build-release.sh; then
  RELEASE_OK=1
  note "release build" "ok ($(elapsed "$t0"))"
  banner "release ctest"
  run_ctest "release ctest" build/release
else
  step_failed "release build" "see the compiler output above"
  # The server alone may still build (a broken test file does not stop it): then the Postman
  # run below still gives its verdict.
  if JOBS=$JOBS bash scripts/build-release.sh scimd; then RELEASE_OK=1; fi
fi

# ---------------------------------------------------------------- 3. ASan + UBSan
if [ "$SKIP_ASAN" = 1 ]; then
  note "asan+ubsan" "skipped (SKIP_ASAN=1)"
else
  banner "ASan+UBSan build (build/asan)"
  t0=$(date +%s)
  # GCC 12 with -fsanitize reports false -Wmaybe-uninitialized inside libstdc++ (std::regex's
  # std::function states): that one stays a warning here, every other warning is an error.
  if configure build/asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
    -DCMAKE_CXX_FLAGS="-Wno-error=maybe-uninitialized" -DSCIMD_SANITIZE=ON -DSCIMD_TESTS=ON &&
    ninja -C build/asan -j"$JOBS"; then
    note "asan+ubsan build" "ok ($(elapsed "$t0"))"
    banner "ASan+UBSan ctest"
    run_ctest "asan+ubsan ctest" build/asan \
      ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1 \
      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  else
    step_failed "asan+ubsan build" "see the compiler output above"
  fi
fi

# ---------------------------------------------------------------- 4. fuzz smoke
if [ "$SKIP_FUZZ" = 1 ]; then
  note "fuzz" "skipped (SKIP_FUZZ=1)"
elif [ ! -f fuzz/CMakeLists.txt ]; then
  note "fuzz" "skipped (no fuzz/CMakeLists.txt yet)"
else
  banner "fuzz build (build/fuzz, clang)"
  t0=$(date +%s)
  if CC=clang CXX=clang++ configure build/fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSCIMD_FUZZ=ON -DSCIMD_TESTS=OFF && ninja -C build/fuzz -j"$JOBS" fuzz/all; then
    note "fuzz build" "ok ($(elapsed "$t0"))"
    mapfile -t targets < <(find build/fuzz/fuzz -maxdepth 1 -type f -executable | sort)
    if [ ${#targets[@]} -eq 0 ]; then
      step_failed "fuzz" "no fuzz target was built"
    fi
    mkdir -p build/fuzz/artifacts
    for bin in "${targets[@]}"; do
      name=$(basename "$bin")
      short=${name#fuzz_}
      short=${short%_fuzz}
      corpus=()
      for c in "fuzz/corpus/$name" "fuzz/corpus/$short"; do
        if [ -d "$c" ]; then corpus=("$c"); break; fi
      done
      dict=()
      for d in "fuzz/$name.dict" "fuzz/$short.dict"; do
        if [ -f "$d" ]; then dict=("-dict=$d"); break; fi
      done
      # New inputs go to a scratch dir (first corpus arg); the committed corpus is only read.
      mkdir -p "$WORK/corpus-$name"
      banner "fuzz $name (${FUZZ_SECONDS}s, corpus: ${corpus[*]:-none})"
      t0=$(date +%s)
      if timeout -k 10 $((FUZZ_SECONDS + 120)) "$bin" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="build/fuzz/artifacts/$name-" "${dict[@]}" \
        "$WORK/corpus-$name" "${corpus[@]}" > "$WORK/fuzz-$name.log" 2>&1; then
        PASSED=$((PASSED + 1))
        note "fuzz $name" "ok ($(grep -o 'stat::number_of_executed_units: *[0-9]*' "$WORK/fuzz-$name.log" | grep -o '[0-9]*$' || echo '?') runs, $(elapsed "$t0"))"
        tail -n 3 "$WORK/fuzz-$name.log"
      else
        FAILED=$((FAILED + 1))
        note "fuzz $name" "FAILED (crash input in build/fuzz/artifacts/)"
        tail -n 60 "$WORK/fuzz-$name.log"
      fi
    done
  else
    step_failed "fuzz build" "see the compiler output above"
  fi
fi

# ---------------------------------------------------------------- 5. Microsoft Postman collection
# start_server DB_URL LOG : starts the release scimd on 127.0.0.1:0, sets SERVER_PID and PORT.
start_server() {
  local db=$1 log=$2
  PORT=""
  build/release/scimd serve --db "$db" --listen 127.0.0.1:0 > "$log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do # up to 20 s
    PORT=$(grep -m1 -i 'listening' "$log" 2>/dev/null |
      grep -oE '"port" *: *[0-9]+|(127\.0\.0\.1|localhost|\]):[0-9]+' | grep -oE '[0-9]+$' | head -n1)
    [ -n "$PORT" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.2
  done
  return 1
}
stop_server() {
  local rc=0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" || rc=$?
  SERVER_PID=""
  return $rc
}

# run_postman LABEL NAME DB_URL : the collection against the release scimd on a fresh store
# (tenant "ms"); logs go to $WORK/NAME-*.log.
run_postman() {
  local label=$1 name=$2 db=$3 token prc line srv_rc pp pf
  banner "$label (newman)"
  t0=$(date +%s)
  if ! token=$(build/release/scimd tenant create ms --db "$db" --json | jq -er .token); then
    step_failed "$label" "scimd tenant create ms failed"
  elif ! start_server "$db" "$WORK/$name-server.log"; then
    cat "$WORK/$name-server.log"
    step_failed "$label" "scimd serve did not log a listening port"
    stop_server || true
  else
    echo "scimd pid $SERVER_PID on port $PORT"
    bash "$SHARED/conformance/ms-postman/run.sh" "http://127.0.0.1:$PORT/scim/v2/ms" "$token" \
      < /dev/null > "$WORK/$name.log" 2>&1
    prc=$?
    # Print the failures and the tail, not the whole per-request log.
    grep -nE '^ *[0-9]+\. |AssertionError|failed' "$WORK/$name.log" | head -n 80
    tail -n 5 "$WORK/$name.log" | sed "s/^/  /"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$WORK/$name.log" | tail -n1)
    srv_rc=0
    stop_server || srv_rc=$?
    if [ -z "$line" ]; then
      step_failed "$label" "no result line (run.sh exit $prc)"
    else
      pp=${line%% passed*}
      pf=${line#*passed, }
      pf=${pf%% failed*}
      PASSED=$((PASSED + pp))
      FAILED=$((FAILED + pf))
      if [ "$pf" -ne 0 ] || [ "$prc" -ne 0 ]; then
        [ "$pf" -ne 0 ] || FAILED=$((FAILED + 1))
        note "$label" "FAILED: $pp passed, $pf failed ($(elapsed "$t0"))"
      else
        note "$label" "ok: $pp passed, 0 failed ($(elapsed "$t0"))"
      fi
    fi
    if [ "$srv_rc" -ne 0 ]; then
      step_failed "$label: SIGTERM exit" "exit status $srv_rc, expected 0"
      tail -n 20 "$WORK/$name-server.log"
    fi
  fi
}

if [ "$SKIP_POSTMAN" = 1 ]; then
  note "postman (Microsoft)" "skipped (SKIP_POSTMAN=1)"
elif [ "$RELEASE_OK" != 1 ] || [ ! -x build/release/scimd ]; then
  step_failed "postman (Microsoft)" "no release scimd binary"
elif [ ! -x "$SHARED/conformance/ms-postman/run.sh" ] && [ ! -f "$SHARED/conformance/ms-postman/run.sh" ]; then
  step_failed "postman (Microsoft)" "$SHARED/conformance/ms-postman/run.sh not found"
else
  run_postman "postman (Microsoft, SQLite)" postman-sqlite "sqlite:$WORK/ms.db"
  # PostgreSQL: a schema of its own on the test cluster, the search_path of scimd's connections.
  if [ -z "${SCIMD_TEST_PG_URL:-}" ]; then
    step_failed "postman (Microsoft, PostgreSQL)" "no test cluster (SCIMD_TEST_PG_URL)"
  elif ! "${PG_BIN:-/usr/lib/postgresql/15/bin}/psql" -q -v ON_ERROR_STOP=1 "$SCIMD_TEST_PG_URL" \
    -c "CREATE SCHEMA ms_postman" < /dev/null; then
    step_failed "postman (Microsoft, PostgreSQL)" "CREATE SCHEMA ms_postman failed"
  else
    sep='?'
    case "$SCIMD_TEST_PG_URL" in *\?*) sep='&' ;; esac
    run_postman "postman (Microsoft, PostgreSQL)" postman-pg \
      "$SCIMD_TEST_PG_URL${sep}options=-csearch_path%3Dms_postman"
  fi
fi

# ---------------------------------------------------------------- 6. bench smoke
if [ "$SKIP_BENCH" = 1 ]; then
  note "bench --quick" "skipped (SKIP_BENCH=1)"
elif [ ! -f bench/run ]; then
  note "bench --quick" "skipped (no bench/run)"
else
  banner "bench/run --quick (smoke, timings not checked)"
  t0=$(date +%s)
  if JOBS=$JOBS timeout -k 10 1800 bash bench/run --quick < /dev/null; then
    note "bench --quick" "ok ($(elapsed "$t0"))"
  else
    step_failed "bench --quick" "exit non-zero"
  fi
fi

# ---------------------------------------------------------------- summary
banner "summary ($(elapsed "$START_ALL"))"
printf '%s\n' "${SUMMARY[@]}"
echo
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
  exit
}

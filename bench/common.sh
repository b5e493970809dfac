# Sourced by the bench scripts: the scimd binary, a scratch directory, and cleanup of every
# process they start. Before sourcing, set ROOT and NAME (the log prefix).
#   SCIMD_BIN: use this binary instead of the shared Release build (scripts/build-release.sh).
if [ -z "${SCIMD_BIN-}" ]; then
  bash "$ROOT/scripts/build-release.sh" scimd >/dev/null
  SCIMD_BIN="$ROOT/build/release/scimd"
fi
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/scimd-$NAME.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "$NAME: $*" >&2; }

#!/usr/bin/env bash
# Install every Debian package that scimd's build, tests, fuzzing and benchmarks need.
# Idempotent: when all packages are already installed it only checks and exits (well under 1 s).
# Runs apt-get as root, or through sudo when not root. Debian 12 (bookworm).
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build ccache pkg-config git
  # fuzzing: clang 14 and its runtime libraries (libclang_rt.fuzzer for -fsanitize=fuzzer)
  clang libclang-rt-14-dev
  # libraries (Boost 1.81 beside the default 1.74: it has Boost.JSON and Boost.URL)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libssl-dev libcurl4-openssl-dev libcli11-dev libspdlog-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  # PostgreSQL store backend (server binaries for its tests)
  libpq-dev postgresql-15
  # scripts, conformance run (newman via npm) and benchmarks (peers are Node servers; the
  # ceiling responder is nginx; better-sqlite3 in the peers compiles with node-gyp: python3)
  jq curl wrk procps ca-certificates nginx-light python3
)

# Node 20 may come from another source than Debian (it then bundles npm): keep whatever node
# is there and install Debian's nodejs/npm only when they are missing.
command -v node >/dev/null 2>&1 || packages+=(nodejs)
command -v npm >/dev/null 2>&1 || packages+=(npm)

# One dpkg-query call for all names; unknown names are simply not printed.
# dpkg-query exits 1 when it has never heard of a name (a fresh machine): not an error here.
installed=" $({ dpkg-query -W -f='${db:Status-Status}:${Package} ' "${packages[@]}" 2>/dev/null || true; } |
  tr ' ' '\n' | sed -n 's/^installed://p' | tr '\n' ' ') "
missing=()
for p in "${packages[@]}"; do
  [[ "$installed" == *" $p "* ]] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}"
as_root=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "setup: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi

# Packages such as nginx-light and postgresql-15 would start system services on install; the
# project starts its own instances on loopback, so forbid service starts while installing
# (unless the machine already has a policy).
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | "${as_root[@]}" tee "$policy" >/dev/null
  "${as_root[@]}" chmod 755 "$policy"
  made_policy=1
fi
remove_policy() { if [ "$made_policy" = 1 ]; then "${as_root[@]}" rm -f "$policy"; fi; }
trap remove_policy EXIT

"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
echo "setup: done"

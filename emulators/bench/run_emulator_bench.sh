#!/usr/bin/env bash
# Measures cb-emulator's request rate with wrk (Debian package `wrk`) for the requests
# docs/emulators.md reports. Usage:
#   emulators/bench/run_emulator_bench.sh [path/to/cb-emulator] [customers] [seconds]
# Build it optimised first: cmake --preset release && cmake --build build/release --target cb-emulator
set -euo pipefail

binary=${1:-build/release/emulators/cb-emulator}
customers=${2:-10000}
seconds=${3:-8}
command -v wrk >/dev/null || { echo "wrk not found: apt-get install wrk" >&2; exit 2; }
[ -x "$binary" ] || { echo "no cb-emulator at $binary" >&2; exit 2; }

workdir=$(mktemp -d)
cleanup() {
  # start() runs in a command substitution (a subshell), so pids go through files.
  for f in "$workdir"/*.pid; do [ -e "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  rm -rf "$workdir"
}
trap cleanup EXIT

# Starts one emulator and echoes its URL from the listening line.
start() {
  local platform=$1 out="$workdir/$1.out"
  "$binary" "$platform" --customers "$customers" --rate-scale 0 --threads 2 >"$out" 2>"$workdir/$1.err" &
  echo $! >"$workdir/$platform.pid"
  for _ in $(seq 50); do
    if [ -s "$out" ]; then sed -n 's/.*"url":"\([^"]*\)".*/\1/p' "$out" | head -1; return; fi
    sleep 0.1
  done
  echo "$platform did not start" >&2
  exit 1
}

ns=$(start nuvemshop)
bc=$(start bigcommerce)
mid_ns=$((5000000000 + customers / 2))
mid_bc=$((customers / 2))

measure() {
  local label=$1
  shift
  local out
  out=$(wrk -t1 -c32 -d"${seconds}s" "$@")
  printf '| %s | %s | %s |\n' "$label" "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '/Latency/ {print $2}' <<<"$out")"
}

ns_auth=(-H 'Authentication: bearer ns-token-1000001' -H 'User-Agent: bench (dev@example.com)')
bc_auth=(-H 'X-Auth-Token: bc-token-emu00001')
echo "| request ($customers customers, --threads 2, wrk -t1 -c32 -d${seconds}s) | requests/s | mean latency |"
echo "|---|---|---|"
measure "Nuvemshop GET /v1/{store}/customers/{id}" "${ns_auth[@]}" "$ns/v1/1000001/customers/$mid_ns"
measure "BigCommerce V2 GET /customers/{id}" "${bc_auth[@]}" "$bc/stores/emu00001/v2/customers/$mid_bc"
measure "BigCommerce V3 GET /customers?id:in={id}" "${bc_auth[@]}" "$bc/stores/emu00001/v3/customers?id:in=$mid_bc"
measure "BigCommerce V3 GET /customers?id:in={id}&include=addresses,attributes" "${bc_auth[@]}" "$bc/stores/emu00001/v3/customers?id:in=$mid_bc&include=addresses,attributes"
measure "Nuvemshop GET /customers?per_page=50&page=3" "${ns_auth[@]}" "$ns/v1/1000001/customers?per_page=50&page=3"
measure "BigCommerce V3 GET /customers?limit=50&page=3" "${bc_auth[@]}" "$bc/stores/emu00001/v3/customers?limit=50&page=3"

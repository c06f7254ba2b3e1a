#!/usr/bin/env bash
# Gateway throughput and latency, measured in one run against three targets that
# serve the same request, so the ratios compare like with like on this machine:
#   (a) the Nuvemshop emulator directly,
#   (b) nginx proxy_pass to the emulator (the pure-proxy baseline),
#   (c) custbridge translating the canonical API to the emulator.
# Requests: one customer by id, and a 50-customer list.
# Two CPU layouts, each run in full:
#   shared    every process on every core (the proxy under test competes with wrk and
#             the platform for CPU, so its CPU cost per request shows up as lost rps);
#   isolated  wrk and the emulator on the first cores, the proxy under test (nginx or
#             custbridge) alone on the last one, as a gateway sits on its own machine
#             in front of a platform it does not share CPUs with.
# Usage: bench/run_gateway_bench.sh   (DURATION=10 CONNECTIONS=16 THREADS=2 LAYOUTS="shared isolated")
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
LAYOUTS=${LAYOUTS:-shared isolated}

bash scripts/setup.sh
# ccache keys on paths relative to the checkout, so clones elsewhere reuse its cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
need=()
command -v nginx >/dev/null || need+=(nginx-light)
command -v wrk >/dev/null || need+=(wrk)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=(); [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

cmake --preset release >/dev/null
cmake --build --preset release --target custbridge cb-emulator -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
bin=build/release/app/custbridge
emulator=build/release/emulators/cb-emulator

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill "$(cat "$work/nginx.pid")" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_for() {  # file pattern
  for _ in $(seq 200); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "timed out waiting for $2 in $1" >&2; cat "$1" >&2; exit 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
              echo $((20000 + RANDOM % 20000)); }

# (a) the emulator: 200 seeded customers, rate limits off so they do not dominate.
"$emulator" nuvemshop --port 0 --customers 200 --seed 3 --rate-scale 0 > "$work/emulator.log" 2>&1 &
emu_pid=$!
pids+=($emu_pid)
wait_for "$work/emulator.log" '"listening"'
emu_url=$(sed -n '/"listening"/{s/.*"url":"\([^"]*\)".*/\1/p;q}' "$work/emulator.log")
emu_port=${emu_url##*:}
store=$(sed -n '/"listening"/{s/.*"store_id":\([0-9]*\).*/\1/p;q}' "$work/emulator.log")
token=$(sed -n '/"listening"/{s/.*"access_token":"\([^"]*\)".*/\1/p;q}' "$work/emulator.log")
customer=$(curl -s "$emu_url/v1/$store/customers?per_page=1" -H "Authentication: bearer $token" -H 'User-Agent: bench (b@x.invalid)' |
           sed -n 's/^\[{"id":\([0-9]*\).*/\1/p')
[ -n "$customer" ] || { echo "could not read a customer id from the emulator" >&2; exit 1; }

# (b) nginx in front of it, keep-alive to the upstream as a production proxy would be.
nginx_port=$(free_port)
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  upstream emulator { server 127.0.0.1:$emu_port; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / {
      proxy_pass http://emulator;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
CONF
"$NGINX" -c "$work/nginx.conf" -p "$work"

# (c) custbridge with one Nuvemshop store on the emulator.
key=$("$bin" gen-key | awk '/^key:/{print $2}'; true)
cat > "$work/gateway.yaml" <<CONF
server: {address: 127.0.0.1, port: 0, threads: 1}
state: {sqlite_path: $work/state.db}
stores:
  bench:
    backend: nuvemshop
    base_url: $emu_url/v1/$store
    access_token: $token
    max_connections: 64
api_keys:
  - {name: bench, sha256: $(printf '%s' "$key" | sha256sum | cut -d' ' -f1), stores: [bench], scopes: ["*"]}
CONF
"$bin" serve --config "$work/gateway.yaml" > "$work/gateway.log" 2>&1 &
gw_pid=$!
pids+=($gw_pid)
wait_for "$work/gateway.log" '"listening"'
gw_url=$(sed -n '/"listening"/{s/.*"url":"\([^"]*\)".*/\1/p;q}' "$work/gateway.log")
gw_customer=$(curl -s "$gw_url/stores/bench/customers?limit=1&sortOrder=asc" -H "X-API-Key: $key" |
              sed -n 's/^{"items":\[{"id":"\([0-9a-f-]\{36\}\)".*/\1/p')
[ -n "$gw_customer" ] || { echo "could not read a customer id through the gateway" >&2; exit 1; }

platform_headers=(-H "Authentication: bearer $token" -H "User-Agent: bench (b@x.invalid)")
gateway_headers=(-H "X-API-Key: $key")

cores=$(nproc 2>/dev/null || echo 1)
last_core=$((cores - 1))
proxy_pids() { cat "$work/nginx.pid"; pgrep -P "$(cat "$work/nginx.pid")"; echo "$gw_pid"; }
wrk_cpus=()
use_layout() {  # shared | isolated
  local client_cpus=0-$last_core proxy_cpus=0-$last_core
  if [ "$1" = isolated ]; then
    client_cpus=0-$((last_core - 1)); [ "$last_core" -eq 1 ] && client_cpus=0
    proxy_cpus=$last_core
  fi
  taskset -a -p -c "$client_cpus" "$emu_pid" >/dev/null
  for p in $(proxy_pids); do taskset -a -p -c "$proxy_cpus" "$p" >/dev/null; done
  wrk_cpus=(taskset -c "$client_cpus")
}

to_ms() {  # "1.23ms" | "850.00us" | "1.02s" -> milliseconds
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /ms$/) n = n; else if (v ~ /s$/) n *= 1000; printf "%.3f", n }'
}
pace_ms=0
run() {  # label url headers...
  local label=$1 url=$2; shift 2
  curl -sf -o /dev/null "$@" "$url" || { echo "$label: $url does not answer 200" >&2; exit 1; }
  local script=()
  [ "$pace_ms" -gt 0 ] && script=(-s bench/pace.lua)
  PACE_MS=$pace_ms "${wrk_cpus[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "${script[@]}" "$@" "$url" > "$work/wrk.out"
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$work/wrk.out")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$work/wrk.out")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$work/wrk.out")")
  errors=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$work/wrk.out")
  printf '%-28s %10s rps   p50 %8s ms   p99 %8s ms   non-2xx %s\n' "$label" "$rps" "$p50" "$p99" "${errors:-0}"
  echo "$layout $label $rps $p50 $p99" >> "$work/results"
}

paced_delay() {  # layout kind -> ms pause that offers about half of custbridge's closed-loop rps
  awk -v l="$1" -v k="$2" -v c="$CONNECTIONS" '$1 == l && $2 == k && $4 == "custbridge" {
    d = int(c * 1000 / ($5 * 0.5) + 0.5); print (d < 1 ? 1 : d) }' "$work/results"
}

command -v taskset >/dev/null || LAYOUTS=shared
[ "$cores" -ge 2 ] || LAYOUTS=shared
echo "== $(date -u +%FT%TZ) $cores cores, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s, layouts: $LAYOUTS"
run_kind() {  # single | list50: the same request to (a), (b) and (c)
  case $1 in
    single)
      run "single (a) emulator"  "$emu_url/v1/$store/customers/$customer" "${platform_headers[@]}"
      run "single (b) nginx"     "http://127.0.0.1:$nginx_port/v1/$store/customers/$customer" "${platform_headers[@]}"
      run "single (c) custbridge" "$gw_url/stores/bench/customers/$gw_customer" "${gateway_headers[@]}" ;;
    list50)
      run "list50 (a) emulator"  "$emu_url/v1/$store/customers?per_page=50" "${platform_headers[@]}"
      run "list50 (b) nginx"     "http://127.0.0.1:$nginx_port/v1/$store/customers?per_page=50" "${platform_headers[@]}"
      run "list50 (c) custbridge" "$gw_url/stores/bench/customers?limit=50&sortOrder=asc" "${gateway_headers[@]}" ;;
  esac
}

for base in $LAYOUTS; do
  use_layout "$base"
  layout=$base pace_ms=0
  echo "-- layout $layout"
  run_kind single
  run_kind list50
  # The same requests at a fixed load of about half what custbridge reached above
  # (each connection pauses after every response), to see service time without queueing.
  layout=$base-paced
  for kind in single list50; do
    pace_ms=$(paced_delay "$base" "$kind")
    echo "-- layout $layout ($kind: ${pace_ms} ms pause per connection)"
    run_kind "$kind"
  done
done

echo "== ratios (targets: c/b rps >= 0.8; c p99 - a p99 <= 1 ms; paced rows: same offered load, so rps ratios are ~1)"
for layout in $(for l in $LAYOUTS; do echo "$l $l-paced"; done); do
  for kind in single list50; do
    awk -v l="$layout" -v k="$kind" '$1 == l && $2 == k { rps[$4] = $5; p99[$4] = $7 }
      END { printf "%-15s %-7s c/b rps %.2f   c/a rps %.2f   p99 added over (a) %+.3f ms\n", l, k, rps["custbridge"] / rps["nginx"],
            rps["custbridge"] / rps["emulator"], p99["custbridge"] - p99["emulator"] }' "$work/results"
  done
done

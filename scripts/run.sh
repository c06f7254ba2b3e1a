#!/usr/bin/env bash
# Builds custbridge and runs the gateway on its embedded defaults: a local store on
# SQLite (in .run/), a Nuvemshop and a BigCommerce emulator with seeded customers and
# a demo store on each, one demo API key, and the sample config.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# ccache keys on paths relative to the checkout, so clones elsewhere reuse its cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true
cmake --preset release >/dev/null
cmake --build --preset release --target custbridge cb-emulator -j "$(nproc 2>/dev/null || echo 2)"
bin=build/release/app/custbridge
emulator=build/release/emulators/cb-emulator

mkdir -p .run
if [ ! -s .run/demo-key ]; then
  "$bin" gen-key --name demo | awk '/^key:/{print $2}' > .run/demo-key
  chmod 600 .run/demo-key
fi
key=$(cat .run/demo-key)

# Starts an emulator in the background and waits for its listening line.
start_emulator() {  # platform log
  "$emulator" "$1" --port 0 --customers 25 --seed 7 > "$2" 2>&1 &
  echo $! >> .run/emulator-pids
  for _ in $(seq 100); do
    grep -q '"listening"' "$2" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "run.sh: the $1 emulator did not start; see $2" >&2
  exit 1
}
json_field() {  # file field -> the string value of "field" on the listening line
  sed -n "/\"listening\"/{s/.*\"$2\":\"\\([^\"]*\\)\".*/\\1/p;q}" "$1"
}
stop_emulators() {
  [ -f .run/emulator-pids ] && xargs -r kill < .run/emulator-pids 2>/dev/null || true
  rm -f .run/emulator-pids
}
trap stop_emulators EXIT
stop_emulators

start_emulator nuvemshop .run/nuvemshop.log
ns_url=$(json_field .run/nuvemshop.log url)
ns_store=$(sed -n '/"listening"/{s/.*"store_id":\([0-9]*\).*/\1/p;q}' .run/nuvemshop.log)
export DEMO_NUVEMSHOP_BASE_URL="$ns_url/v1/$ns_store"
export DEMO_NUVEMSHOP_TOKEN=$(json_field .run/nuvemshop.log access_token)

start_emulator bigcommerce .run/bigcommerce.log
bc_url=$(json_field .run/bigcommerce.log url)
bc_hash=$(json_field .run/bigcommerce.log store_hash)
export DEMO_BIGCOMMERCE_BASE_URL="$bc_url/stores/$bc_hash"
export DEMO_BIGCOMMERCE_TOKEN=$(json_field .run/bigcommerce.log access_token)

export CUSTBRIDGE_DEMO_KEY_SHA256=$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)
export CUSTBRIDGE_PORT=${CUSTBRIDGE_PORT:-8080}
export CUSTBRIDGE_DATA_DIR=$PWD/.run
local_store=3f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b
nuvemshop_store=7a0e9c1d-2b3c-4d5e-8f60-718293a4b5c6
bigcommerce_store=b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e
url=http://127.0.0.1:$CUSTBRIDGE_PORT
# For commands run from another shell against the same config (sync status, dry runs).
{
  for v in DEMO_NUVEMSHOP_BASE_URL DEMO_NUVEMSHOP_TOKEN DEMO_BIGCOMMERCE_BASE_URL DEMO_BIGCOMMERCE_TOKEN \
    CUSTBRIDGE_DEMO_KEY_SHA256 CUSTBRIDGE_PORT CUSTBRIDGE_DATA_DIR; do
    printf 'export %s=%q\n' "$v" "${!v}"
  done
} > .run/demo.env
chmod 600 .run/demo.env

# The sync bridge, visible from the first run: copy the Nuvemshop store's customers
# into the local store (run again, it only carries what changed). Exit 1 means some
# customers were dead-lettered, which the summary names; anything else stops the demo.
echo "== demo sync: Nuvemshop store -> local store (custbridge sync migrate)"
sync_status=0
"$bin" sync migrate --config config/samples/demo.yaml --from "$nuvemshop_store" --to "$local_store" \
  2> .run/sync-progress.log || sync_status=$?
if [ "$sync_status" -gt 1 ]; then
  echo "run.sh: the demo sync failed (exit $sync_status); see .run/sync-progress.log" >&2
  exit 1
fi

cat <<TXT

  custbridge is starting at $url
  demo key:   $key
  stores:     $local_store  local (SQLite at .run/custbridge.db)
              $nuvemshop_store  Nuvemshop emulator at $DEMO_NUVEMSHOP_BASE_URL (25 seeded customers)
              $bigcommerce_store  BigCommerce V3 emulator at $DEMO_BIGCOMMERCE_BASE_URL (25 seeded customers)

  Try:
    curl -s -X POST $url/stores/$local_store/customers -H "Authorization: Bearer $key" \\
      -H 'Content-Type: application/json' -d '{"email":"jane@example.com","name":"Jane Smith"}'
    curl -s "$url/stores/$nuvemshop_store/customers?limit=2" -H "Authorization: Bearer $key"
    curl -s "$url/stores/$bigcommerce_store/customers?limit=2" -H "Authorization: Bearer $key"
  In another shell (. .run/demo.env first):
    $bin sync status --config config/samples/demo.yaml
    $bin sync migrate --config config/samples/demo.yaml --from $local_store --to $bigcommerce_store --dry-run

  Ctrl-C stops it gracefully (and the emulators with it).

TXT
"$bin" serve --config config/samples/demo.yaml

#!/usr/bin/env bash
# Builds custbridge and runs the gateway on its embedded defaults: one local
# store on SQLite (in .run/), a demo API key, and the sample config.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target custbridge -j "$(nproc 2>/dev/null || echo 2)"
bin=build/release/app/custbridge

mkdir -p .run
if [ ! -s .run/demo-key ]; then
  "$bin" gen-key --name demo | awk '/^key:/{print $2}' > .run/demo-key
  chmod 600 .run/demo-key
fi
key=$(cat .run/demo-key)
export CUSTBRIDGE_DEMO_KEY_SHA256=$(printf '%s' "$key" | sha256sum | cut -d' ' -f1)
export CUSTBRIDGE_PORT=${CUSTBRIDGE_PORT:-8080}
export CUSTBRIDGE_DATA_DIR=$PWD/.run
store=3f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b
url=http://127.0.0.1:$CUSTBRIDGE_PORT

cat <<TXT

  custbridge is starting at $url
  demo store: $store (local, SQLite at .run/custbridge.db)
  demo key:   $key

  Try:
    curl -s -X POST $url/stores/$store/customers -H "Authorization: Bearer $key" \\
      -H 'Content-Type: application/json' -d '{"email":"jane@example.com","name":"Jane Smith"}'
    curl -s "$url/stores/$store/customers?search=jane" -H "Authorization: Bearer $key"

  Ctrl-C stops it gracefully.

TXT
exec "$bin" serve --config config/samples/demo.yaml

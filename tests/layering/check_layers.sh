#!/usr/bin/env bash
# Fails when a lower layer includes a higher one. Each rule: the folders that must not
# include, and the include prefix they must not use.
set -euo pipefail
cd "$1"
status=0
check() {
  local what="$1" forbidden="$2"; shift 2
  local hits
  hits=$(grep -rn --include='*.hpp' --include='*.cpp' "#include \"$forbidden" "$@" || true)
  if [ -n "$hits" ]; then
    echo "layering: $what must not include $forbidden:" >&2
    echo "$hits" >&2
    status=1
  fi
}
check "domain, stores, state and auth" "gateway/api/" gateway/domain gateway/backends gateway/state gateway/auth
check "the domain" "gateway/backends/" gateway/domain
check "the domain" "gateway/upstream/" gateway/domain
check "the mappers" "gateway/" mappers
check "the local store" "gateway/upstream/" gateway/backends/local
check "the sync engine" "gateway/api/" sync
check "the sync engine" "gateway/http/" sync
check "the sync engine" "gateway/upstream/" sync
check "the sync engine" "gateway/backends/platform/" sync
check "the sync engine" "gateway/backends/local/" sync
check "the stores" "sync/" gateway
exit $status

#!/usr/bin/env bash
# Builds and runs the whole test suite: the dev preset, then the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer. Pass --quick to skip the sanitizer pass.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
# ccache keys on paths relative to the checkout, so clones elsewhere reuse its cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=true

presets=(dev asan)
if [ "${1:-}" = "--quick" ]; then presets=(dev); fi

jobs=$(nproc 2>/dev/null || echo 2)
for preset in "${presets[@]}"; do
  echo "== $preset: configure and build" >&2
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: test" >&2
  ctest --preset "$preset" -j "$jobs"
done
echo "== all tests passed (${presets[*]})" >&2

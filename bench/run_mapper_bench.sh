#!/usr/bin/env bash
# Builds the release preset and runs the mapper benchmark, then prints, for each case,
# (parse + map + serialize) / (parse + serialize) of the same bytes in the same run.
# Usage: bench/run_mapper_bench.sh [extra Google Benchmark flags]
# BUILD_DIR=<dir> builds there (RelWithDebInfo, benchmarks on) instead of the preset's build/release.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -n "${BUILD_DIR:-}" ]]; then
  cmake -S . -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCUSTBRIDGE_WERROR=ON -DCUSTBRIDGE_BUILD_BENCH=ON >/dev/null
  cmake --build "$BUILD_DIR" --target mapper_bench -j2
  bin="$BUILD_DIR/bench/mapper_bench"
else
  cmake --preset release >/dev/null
  cmake --build --preset release --target mapper_bench -j2
  bin=build/release/bench/mapper_bench
fi
json=$(mktemp)
trap 'rm -f "$json"' EXIT
"$bin" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$json" --benchmark_out_format=json "$@"
python3 - "$json" <<'PY'
import json, sys
runs = json.load(open(sys.argv[1]))["benchmarks"]
median = {r["run_name"]: r["real_time"] for r in runs if r.get("aggregate_name") == "median"}
unit = {r["run_name"]: r["time_unit"] for r in runs if r.get("aggregate_name") == "median"}
print()
print(f'{"case":34} {"raw":>12} {"mapped":>12} {"total/raw":>10} {"added/raw":>10}')
worst = 0.0
for name in sorted(k for k in median if k.startswith("raw/")):
    case = name[4:]
    m = "map/" + case
    if m not in median:
        continue
    total = median[m] / median[name]
    worst = max(worst, total - 1)
    print(f'{case:34} {median[name]:>10.1f}{unit[name]:>2} {median[m]:>10.1f}{unit[m]:>2} {total:>10.2f} {total - 1:>10.2f}')
print(f'\nworst added/raw: {worst:.2f} (target: at most 1.50)')
PY

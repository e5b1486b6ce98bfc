#!/usr/bin/env bash
# What prediction recording costs (docs/PERFORMANCE.md, "Prediction records"): two suites side by
# side, recording on (the default) and off, each with the demo model; then alternating rounds of
#   serving single-row Predict, 1 client   (p50)
#   gateway Predict, 64 clients            (throughput)
# against each, and the median ratios on/off. Needs nothing else listening on 18xxx/19xxx/28xxx/29xxx.
# Usage: [SINK=store|kafka] [SAMPLE=1.0] bench/scripts/recording-overhead.sh [rounds] [seconds]
# SINK=kafka starts a Kafka broker (bench/scripts/monitor-figures.sh broker) and points the "on"
# suite's serving at it; nothing consumes the topic there (the aggregator runs elsewhere past one
# machine: its cost is measured by monitor-figures.sh).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
ROUNDS="${1:-3}"
SECONDS_PER_RUN="${2:-10}"
WORK="$(mktemp -d)"
PIDS=()
# Each suite runs in its own process group, so stopping the group stops its JVM too.
trap 'for p in "${PIDS[@]}"; do kill -- -"$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT

SINK="${SINK:-store}"
SAMPLE="${SAMPLE:-1.0}"
cat > "$WORK/on.yaml" <<YAML
serving:
  recording:
    sink: $SINK
    default:
      sample-rate: $SAMPLE
YAML
if [ "$SINK" = kafka ]; then
  setsid "$ROOT/bench/scripts/monitor-figures.sh" broker > "$WORK/broker.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 300); do grep -q "^bootstrap " "$WORK/broker.log" && break; sleep 1; done
  BOOTSTRAP="$(sed -n 's/^bootstrap //p' "$WORK/broker.log")"
  [ -n "$BOOTSTRAP" ] || { cat "$WORK/broker.log"; exit 1; }
  printf '    kafka:\n      bootstrap: %s\n' "$BOOTSTRAP" >> "$WORK/on.yaml"
fi
"$ROOT/canopy" build >/dev/null # once, before two launchers look

start() { # name offset recording
  mkdir -p "$WORK/$1"
  local config=()
  [ "$3" = true ] && config=(CANOPY_CONFIG="$WORK/on.yaml")
  setsid bash -c 'cd "$0" && exec env "${@:1}"' "$WORK/$1" "${config[@]}" REGISTRY_GRPC_PORT=$(( $2 + 9100 )) REGISTRY_ADMIN_PORT=$(( $2 + 9101 )) \
    SERVING_GRPC_PORT=$(( $2 + 9200 )) SERVING_ADMIN_PORT=$(( $2 + 9201 )) \
    GATEWAY_HTTP_PORT=$(( $2 + 8080 )) GATEWAY_GRPC_PORT=$(( $2 + 9090 )) \
    MONITOR_GRPC_PORT=$(( $2 + 9300 )) MONITOR_ADMIN_PORT=$(( $2 + 9301 )) \
    SERVING_RECORDING_ENABLED="$3" "$ROOT/canopy" up --demo > "$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}
start on 10000 true
start off 20000 false
for name in on off; do
  for _ in $(seq 1 180); do grep -q "canopy: up" "$WORK/$name.log" && break; sleep 1; done
  grep -q "canopy: up" "$WORK/$name.log" || { cat "$WORK/$name.log"; exit 1; }
done

B="$ROOT/canopy bench --no-progress --json --warmup 3s --duration ${SECONDS_PER_RUN}s --model churn"
field() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
for round in $(seq 1 "$ROUNDS"); do
  for name in on off; do
    offset=$([ "$name" = on ] && echo 10000 || echo 20000)
    p50=$($B --grpc 127.0.0.1:$(( offset + 9200 )) | field 'd["latency_us"]["p50"]')
    rps=$($B --grpc 127.0.0.1:$(( offset + 9090 )) --version 1 --concurrency 64 | field 'd["throughput_rps"]')
    echo "$round $name $p50 $rps" | tee -a "$WORK/results"
  done
done
python3 - "$WORK/results" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
def values(name, i): return [float(r[i]) for r in rows if r[1] == name]
rounds = len(values("on", 2))
p50 = [a / b for a, b in zip(values("on", 2), values("off", 2))]
rps = [a / b for a, b in zip(values("on", 3), values("off", 3))]
print(f"serving single-row p50, on/off per round: {[round(x, 3) for x in p50]}, median {statistics.median(p50):.3f}")
print(f"gateway 64-client throughput, on/off per round: {[round(x, 3) for x in rps]}, median {statistics.median(rps):.3f}")
print(f"serving p50 us on {statistics.median(values('on', 2)):.1f}, off {statistics.median(values('off', 2)):.1f}; "
      f"gateway rps on {statistics.median(values('on', 3)):.0f}, off {statistics.median(values('off', 3)):.0f}")
PY
echo "records dropped (recording on):"
curl -s "http://127.0.0.1:19201/observe/metrics" | grep -E "^canopy_prediction_records(_dropped)?_total" || true

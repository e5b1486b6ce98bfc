#!/usr/bin/env bash
# The monitor's figures (docs/PERFORMANCE.md, "Prediction records"): record store and Kafka sink
# cost per record, the aggregator's ingest rate, an outcome's trip to the store, one gauge refresh.
# Starts its own Kafka broker (a child JVM from Maven Central's kafka jars) on free loopback ports.
# Usage: bench/scripts/monitor-figures.sh [records]      (or: ... broker — a broker until killed)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
JAVA_HOME="$("$ROOT/canopy" jdk)"
export JAVA_HOME
cd "$ROOT"
CP_FILE="$ROOT/monitor/target/figures.classpath"
./mvnw -B -q -pl monitor -am install -DskipTests -Dspotless.check.skip=true >&2
./mvnw -B -q -pl monitor test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$CP_FILE" >&2
exec "$JAVA_HOME/bin/java" -cp "$ROOT/monitor/target/test-classes:$ROOT/monitor/target/classes:$(cat "$CP_FILE")" \
  io.canopy.monitor.MonitorFigures "$@"

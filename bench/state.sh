#!/usr/bin/env bash
# subscriber-state benchmark: builds what it needs, then runs StateServiceBenchmark (events/s applied against
# Kafka's ConsumerPerformance on the same broker, and append-to-state latency at 1,000 events/s).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp install -DskipTests -Djib.skip=true -pl subscriber-state -am
mvn -B -q -ntp -pl subscriber-state exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
  "-Dexec.args=-Xmx2g ${BENCH_OPTS:-} -cp %classpath com.subsets.sync.state.StateServiceBenchmark"

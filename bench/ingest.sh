#!/usr/bin/env bash
# Ingest benchmark: builds what it needs, then runs IngestBenchmark (see ingest-service's test sources).
# Options: -Dbench.seconds=20 -Dbench.warmup=5 via BENCH_OPTS.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp install -DskipTests -Djib.skip=true -pl ingest-service -am
mvn -B -q -ntp -pl ingest-service exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
  "-Dexec.args=-Xmx1g ${BENCH_OPTS:-} -cp %classpath com.subsets.sync.ingest.IngestBenchmark"

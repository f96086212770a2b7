#!/usr/bin/env bash
# End-to-end benchmark through the subscriber-state service, in the local stack: append-to-write latency at
# 1,000 events/s, backfill subscribers/s (unthrottled and at Iterable's 5 requests/s), and, with
# BENCH_OPTS=-Dbench.cases=parking, a healthy tenant's latency while another's vendor answers 503 for 5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp install -DskipTests -Djib.skip=true -pl local-stack -am
mvn -B -q -ntp -pl local-stack exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
  "-Dexec.args=-Xmx3g ${BENCH_OPTS:-} -cp %classpath com.subsets.sync.local.SyncBenchmark"

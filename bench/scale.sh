#!/usr/bin/env bash
# Resyncs at scale through the whole system: builds what it needs, then runs ScaleBenchmark (1,000 destinations
# registered at once with a backfill each; one tenant's big backfill). Options via BENCH_OPTS, e.g.
# -Dbench.cases=bigBackfill -Dbench.scale.subscribers=10000000 (the simulator then holds that many users: raise -Xmx).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp install -DskipTests -Djib.skip=true -pl local-stack -am
mvn -B -q -ntp -pl local-stack exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
  "-Dexec.args=-Xmx${BENCH_HEAP:-6g} ${BENCH_OPTS:-} -cp %classpath com.subsets.sync.local.ScaleBenchmark"

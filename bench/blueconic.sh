#!/usr/bin/env bash
# BlueConic dispatcher benchmark: builds what it needs, then runs BlueConicDispatcherBenchmark.
# Options via BENCH_OPTS, e.g. BENCH_OPTS=-Dbench.seconds=20 for a shorter run (default 60 s per timed case).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp install -DskipTests -Djib.skip=true -pl blueconic-dispatcher -am
mvn -B -q -ntp -pl blueconic-dispatcher exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
  "-Dexec.args=-Xmx3g ${BENCH_OPTS:-} -cp %classpath com.subsets.sync.blueconic.BlueConicDispatcherBenchmark"

#!/usr/bin/env bash
# Iterable dispatcher benchmark: builds what it needs, then runs IterableDispatcherBenchmark.
# Options via BENCH_OPTS, e.g. BENCH_OPTS=-Dbench.seconds=20 for a shorter run (default 60 s per timed case).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp install -DskipTests -Djib.skip=true -pl iterable-dispatcher -am
# The benchmark JVM plays the vendor (the simulators) and hosts the broker. With G1's default goal its
# pauses reached 160 ms; a request arriving during one was counted that late, and the next five then
# looked too close together: every 429 at 5 requests/s followed such a pause. A 20 ms goal keeps the
# vendor's clock close to the network's.
mvn -B -q -ntp -pl iterable-dispatcher exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
  "-Dexec.args=-Xmx3g -XX:MaxGCPauseMillis=20 ${BENCH_OPTS:-} -cp %classpath com.subsets.sync.iterable.IterableDispatcherBenchmark"

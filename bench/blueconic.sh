#!/usr/bin/env bash
# BlueConic dispatcher benchmark: builds what it needs, then runs BlueConicDispatcherBenchmark.
# Options via BENCH_OPTS, e.g. BENCH_OPTS=-Dbench.seconds=20 for a shorter run (default 60 s per timed case).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp install -DskipTests -Djib.skip=true -pl blueconic-dispatcher -am
# The benchmark JVM plays the vendor (the simulator) and hosts the broker, on the dispatcher's two cores.
# Under G1 its collector took a quarter of its CPU (GC workers and refinement threads, async-profiler),
# 22-26 us per delivered profile in all against 15-19 us under the parallel collector, and that CPU is
# the dispatcher's: interleaved throughput runs gave 39.7-46.4k profiles/s under G1, 48.8-58.2k under
# parallel. A fixed heap and a large metaspace keep it from resizing and from a full collection when
# classes load late (one took 2.4 s).
mvn -B -q -ntp -pl blueconic-dispatcher exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
  "-Dexec.args=-Xmx3g -Xms3g -XX:+UseParallelGC -XX:MetaspaceSize=256m ${BENCH_OPTS:-} -cp %classpath com.subsets.sync.blueconic.BlueConicDispatcherBenchmark"

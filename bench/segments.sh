#!/usr/bin/env bash
# Segment read benchmark: builds what it needs, then runs SegmentReadBenchmark (one BlueConic segment of -Dbench.members,
# 5,000,000 by default, read twice by a provisioner in its own 256 MB JVM: duration, peak heap, rows written, changes).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp install -DskipTests -Djib.skip=true -pl provisioner -am
mvn -B -q -ntp -pl provisioner exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
  "-Dexec.args=-Xmx8g ${BENCH_OPTS:-} -cp %classpath com.subsets.sync.provisioner.SegmentReadBenchmark"

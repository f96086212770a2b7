#!/usr/bin/env bash
# Segment read benchmark: builds what it needs, then runs SegmentReadBenchmark (one BlueConic segment of -Dbench.members,
# 5,000,000 by default, read twice by a provisioner in its own 256 MB JVM: duration, peak heap, rows written, changes).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp install -DskipTests -Djib.skip=true -pl provisioner -am
# The project's own modules from this checkout's target/classes, not from ~/.m2, where another checkout's install on the
# same machine may have replaced them since (a run here once served segments with another checkout's simulator).
classpath=$(mvn -B -q -ntp -Dstyle.color=never -pl provisioner dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=/dev/stdout)
classpath=$(echo "$PWD/provisioner/target/test-classes:$PWD/provisioner/target/classes:$classpath" \
  | sed -E "s#[^:]*/com/subsets/sync/([a-z-]+)/[^/:]+/[^:]*\.jar#$PWD/\1/target/classes#g")
java -Xmx8g ${BENCH_OPTS:-} -cp "$classpath" com.subsets.sync.provisioner.SegmentReadBenchmark

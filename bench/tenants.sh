#!/usr/bin/env bash
# A thousand tenants on one Iterable dispatcher replica: builds what it needs, then runs TenantsBenchmark (the 8-tenant
# figure of bench/iterable.sh, a mixed load of 10 busy and 990 trickling tenants, and the 1,000 tenants idle).
# Options via BENCH_OPTS, e.g. -Dbench.cases=idle or -Dbench.tenants=500.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -ntp install -DskipTests -Djib.skip=true -pl iterable-dispatcher -am
mvn -B -q -ntp -pl iterable-dispatcher exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
  "-Dexec.args=-Xmx4g -XX:MaxGCPauseMillis=20 ${BENCH_OPTS:-} -cp %classpath com.subsets.sync.iterable.TenantsBenchmark"

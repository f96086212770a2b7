#!/usr/bin/env bash
# Starts the whole system on this machine and shows it working: an embedded Kafka broker and PostgreSQL,
# the Iterable and BlueConic simulators, the four services wired through configuration, and a demo tenant.
# Runs until Ctrl-C. Needs only a JDK (17+) and Maven. Configuration: see "Run it locally" in README.md.
set -euo pipefail
cd "$(dirname "$0")"

echo "building (mvn install, tests skipped)..."
mvn -B -q -Dmaven.test.skip=true -Djib.skip=true install -pl local-stack -am
mvn -B -q -pl local-stack dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt

java ${LOCAL_JAVA_OPTS:-} \
  -Dlogback.configurationFile=local-stack-logback.xml \
  -cp "local-stack/target/classes:$(cat local-stack/target/classpath.txt)" \
  com.subsets.sync.local.LocalStackMain

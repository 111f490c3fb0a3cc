#!/usr/bin/env bash
# Runs the whole suite on this machine: ./run.sh --help for the options.
# Builds what is missing (or everything with --build), then hands over to the launcher, which stops
# every process it started when it gets Ctrl-C or SIGTERM.
set -euo pipefail
cd "$(dirname "$0")"

build=false
args=()
for arg in "$@"; do
  if [ "$arg" = "--build" ]; then build=true; else args+=("$arg"); fi
done
for jar in launcher/target/launcher.jar user-service/target/quarkus-app/quarkus-run.jar \
           chat-service/target/quarkus-app/quarkus-run.jar gateway/target/quarkus-app/quarkus-run.jar; do
  [ -f "$jar" ] || build=true
done
if [ "$build" = true ]; then
  echo "building the services (the first build downloads dependencies and takes a few minutes)..."
  ./mvnw -B -q package -DskipTests -pl launcher,user-service,chat-service,gateway -am
fi

java=java
if [ -n "${JAVA_HOME:-}" ]; then java="$JAVA_HOME/bin/java"; fi
exec "$java" -jar launcher/target/launcher.jar "${args[@]+"${args[@]}"}"

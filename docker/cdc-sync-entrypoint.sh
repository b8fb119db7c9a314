#!/bin/sh
# Runs cdc-sync in the container. `run` and `validate` without a file use $CDC_SYNC_PIPELINE.
# exec keeps cdc-sync as PID 1's child-free process, so SIGTERM reaches it and it commits first.
set -eu
jar="${CDC_SYNC_JAR:-/opt/cdc-sync/cdc-sync.jar}"
if [ "$#" -eq 1 ] && { [ "$1" = "run" ] || [ "$1" = "validate" ]; }; then
  set -- "$1" "${CDC_SYNC_PIPELINE:?set CDC_SYNC_PIPELINE or pass a pipeline file}"
fi
exec java ${CDC_SYNC_JAVA_OPTS:-} -jar "$jar" "$@"

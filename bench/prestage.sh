#!/usr/bin/env bash
# Pre-staging in a rolling update: `jplay apply` of a container task with a health gate over HOSTS test-fleet hosts
# (test-fleet/fleet.sh), serial SERIAL, a new image each time (busybox httpd + one LAYER_MB layer of random bytes,
# so every run is cold), with pre-staging (the default: batch k+1 fetches while batch k runs and waits on its gate)
# and without (-e jplay_prestage=false), alternating, ROUNDS times each, in one run.
#
#   bench/prestage.sh [HOSTS] [SERIAL]        (defaults 6 2; env ROUNDS=2 LAYER_MB=96 MIN_HEALTHY=3s KEEP=1)
# PULL=relay: every host gets `jplay_image_pull: relay` (the controller pulls once and relays over SSH; its relay
# cache is in the work directory), so the same comparison measures the relay too.
# Needs root, docker-registry, skopeo, umoci, runc. Every address used is on this machine (the fleet's bridge).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HOSTS=${1:-6}
SERIAL=${2:-2}
ROUNDS=${ROUNDS:-2}
LAYER_MB=${LAYER_MB:-96}
MIN_HEALTHY=${MIN_HEALTHY:-3s}
PREFIX=${PREFIX:-jps$$}
FLEET="$ROOT/test-fleet/fleet.sh"
WORK=$(mktemp -d /tmp/jplay-prestage.XXXXXX)
REGISTRY_PID=
FLEET_OURS=
cleanup() {
  set +e
  [ -z "$REGISTRY_PID" ] || kill "$REGISTRY_PID" 2>/dev/null
  [ -z "$FLEET_OURS" ] || "$FLEET" down --prefix "$PREFIX" >/dev/null 2>&1
  [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

"$ROOT/jplay" --version >/dev/null # builds the CLI if needed, outside the timings
[ ! -e "/run/jplay-fleet/$PREFIX" ] || { echo "a fleet '$PREFIX' exists already (not ours: left alone)" >&2; exit 1; }
FLEET_OURS=1
"$FLEET" up "$HOSTS" --prefix "$PREFIX" --out "$WORK/fleet" >/dev/null
if [ "${PULL:-registry}" = relay ]; then
  sed -i 's/^\(          ansible_host: .*\)$/\1\n          jplay_image_pull: relay/' "$WORK/fleet/inventory.yml"
  export JPLAY_RELAY_CACHE="$WORK/relay-cache"
fi

PORT=$(( 20000 + RANDOM % 20000 ))
while ss -ltn | grep -q ":$PORT "; do PORT=$(( PORT + 1 )); done
mkdir -p "$WORK/registry"
cat >"$WORK/registry/config.yml" <<YAML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $WORK/registry/storage}}
http: {addr: 10.213.0.1:$PORT, secret: jplay-bench}
YAML
/usr/bin/docker-registry serve "$WORK/registry/config.yml" >"$WORK/registry/log" 2>&1 &
REGISTRY_PID=$!
for _ in $(seq 1 100); do curl -fsS "http://10.213.0.1:$PORT/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
REG=10.213.0.1:$PORT
"$ROOT/jplay" dev push-busybox-image --insecure "$REG/bench/base:1" >/dev/null
skopeo copy -q --src-tls-verify=false "docker://$REG/bench/base:1" "oci:$WORK/base:1"

# A new image per run: the base + LAYER_MB of random bytes (nothing of it is on any host yet).
new_image() { # NAME -> prints the reference
  rm -rf "$WORK/img-$1" && cp -a "$WORK/base" "$WORK/img-$1"
  head -c "${LAYER_MB}M" /dev/urandom >"$WORK/blob-$1"
  umoci insert --image "$WORK/img-$1:1" "$WORK/blob-$1" /data/blob >/dev/null
  skopeo copy -q --dest-tls-verify=false "oci:$WORK/img-$1:1" "docker://$REG/bench/$1:1"
  rm -rf "$WORK/img-$1" "$WORK/blob-$1"
  echo "$REG/bench/$1:1"
}

cat >"$WORK/rolling.yml" <<YAML
- hosts: fleet
  serial: $SERIAL
  tasks:
    - name: web
      container:
        name: web
        image: "{{ image }}"
        insecure: true
        network_mode: host
        stop_timeout: 2
        healthcheck:
          http: {port: 8080, path: /}
          min_healthy: $MIN_HEALTHY
YAML

run() { # LABEL IMAGE EXTRA... ; prints wall ms
  local label=$1 image=$2 start end; shift 2
  start=$(date +%s%N)
  "$ROOT/jplay" apply "$WORK/rolling.yml" -i "$WORK/fleet/inventory.yml" --known-hosts "$WORK/fleet/known_hosts" \
    --report-dir "$WORK/run-$label" -e image="$image" "$@" >"$WORK/run-$label.out" 2>&1 \
    || { tail -20 "$WORK/run-$label.out" >&2; exit 1; }
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

# The first apply of the fleet starts agents and prepares hosts: untimed, on an image of its own.
run warm "$(new_image warm)" >/dev/null
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $HOSTS hosts, serial $SERIAL, image layer ${LAYER_MB} MB random, pull ${PULL:-registry}"
printf '| round | with pre-staging (ms) | without (ms) | pre-staged hosts |\n|---|---|---|---|\n'
for r in $(seq 1 "$ROUNDS"); do
  on_img=$(new_image "on$r"); off_img=$(new_image "off$r")
  if [ $((r % 2)) = 1 ]; then
    on=$(run "on$r" "$on_img"); off=$(run "off$r" "$off_img" -e jplay_prestage=false)
  else
    off=$(run "off$r" "$off_img" -e jplay_prestage=false); on=$(run "on$r" "$on_img")
  fi
  staged=$(grep -c '"event":"image_prestaged"' "$WORK/run-on$r/events.jsonl" || true)
  none=$(grep -c '"event":"image_prestaged"' "$WORK/run-off$r/events.jsonl" || true)
  [ "$none" = 0 ] || { echo "pre-staging ran with jplay_prestage=false" >&2; exit 1; }
  printf '| %d | %d | %d | %d |\n' "$r" "$on" "$off" "$staged"
  if [ "${PULL:-registry}" = relay ]; then # what the pre-stage events say of each relay: bytes sent and time
    python3 -c 'import json,sys
for l in open(sys.argv[1]):
    e = json.loads(l)
    if e.get("event") == "image_prestaged" and "relay" in e:
        r = e["relay"]; print("    relay to %s: %d blobs, %.1f MB in %d ms (incl. verify, ingest and unpack on the host)" % (e["host"], r["blobs_sent"], r["bytes_sent"] / 1e6, r["millis"]))' \
      "$WORK/run-on$r/events.jsonl"
  fi
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"

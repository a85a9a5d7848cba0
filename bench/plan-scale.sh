#!/usr/bin/env bash
# Times `jplay plan` for 100,000 replicas over 10,000 hosts and reports wall time and peak RSS.
# Goal: < 2 s and < 1 GiB. Touches no host (plan only reads the inventory and the playbook).
#
#   bench/plan-scale.sh [HOSTS] [REPLICAS]        (defaults 10000 100000)
# Env: JAVA_OPTS (extra JVM flags), KEEP=1 keeps the work directory.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HOSTS=${1:-10000}
REPLICAS=${2:-100000}
JAR="$ROOT/cli/target/jplay.jar"
[ -f "$JAR" ] || (cd "$ROOT" && mvn -q -B -o package -DskipTests)
[ -x /usr/bin/time ] || { echo "needs GNU time: apt-get install -y time" >&2; exit 1; }

WORK=$(mktemp -d /tmp/jplay-plan-scale.XXXXXX)
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf "$WORK"' EXIT
LAST=$(printf '%05d' $((HOSTS - 1)))
printf '[web]\nnode[00000:%s]\n' "$LAST" > "$WORK/hosts.ini"
cat > "$WORK/flat.yml" <<YAML
- name: web fleet (flat pool)
  hosts: web
  replicas: {app: web, count: $REPLICAS, pool: web}
  vars:
    jplay_ip_pools:
      web: {cidr: 10.128.0.0/13, exclude: ["10.128.0.2-10.128.0.99"]}
  tasks: []
YAML
cat > "$WORK/perhost.yml" <<YAML
- name: api fleet (a /27 per host)
  hosts: web
  replicas: {app: api, count: $REPLICAS, pool: api}
  vars:
    jplay_ip_pools:
      api: {cidr: 10.64.0.0/12, per_host_prefix: 27}
  tasks: []
YAML

measure() { # LABEL ARGS...
  local label=$1; shift
  /usr/bin/time -v java ${JAVA_OPTS:-} -jar "$JAR" plan "$@" > "$WORK/out.txt" 2> "$WORK/time.txt" || {
    cat "$WORK/time.txt" >&2; exit 1; }
  local wall rss user sys
  wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$WORK/time.txt")
  user=$(sed -n 's/.*User time (seconds): //p' "$WORK/time.txt")
  sys=$(sed -n 's/.*System time (seconds): //p' "$WORK/time.txt")
  rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$WORK/time.txt")
  printf '%-42s wall %-8s cpu %5.2fs  peak RSS %4d MiB  output %s\n' "$label" "$wall" "$(awk "BEGIN{print $user + $sys}")" \
    $((rss / 1024)) "$(du -h "$WORK/out.txt" | cut -f1)"
}

echo "jplay plan: $REPLICAS replicas over $HOSTS hosts ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
for pb in flat perhost; do
  S="$WORK/state-$pb"
  measure "$pb: first run, --json"                 "$WORK/$pb.yml" -i "$WORK/hosts.ini" --json --state-dir "$S"
  measure "$pb: first run, text + --write-state"    "$WORK/$pb.yml" -i "$WORK/hosts.ini" --state-dir "$S" --write-state
  measure "$pb: against state, --json"             "$WORK/$pb.yml" -i "$WORK/hosts.ini" --json --state-dir "$S"
done
grep -o '"summary":{[^}]*}' "$WORK/out.txt" | head -1

#!/usr/bin/env bash
# 100 containers over 10 hosts, each container with its own IP: `jplay apply playbooks/examples/web-fleet.yml`
# on a test fleet (test-fleet/fleet.sh: network-namespace hosts with their own sshd), first run and re-run.
# Reference (the issue): Ansible + skopeo/umoci/runc 43 s first run, 31 s re-run; goal <= 9 s and <= 3 s.
#
#   bench/fleet-containers.sh [HOSTS] [REPLICAS]        (defaults 10 100)
# Env: KEEP=1 keeps the work directory. Needs root, docker-registry, runc, containernetworking-plugins.
# Every address used is on this machine: the fleet's bridge 10.213.0.0/16 and the containers' 10.88.0.0/24
# inside the host namespaces.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HOSTS=${1:-10}
REPLICAS=${2:-100}
PREFIX=${PREFIX:-jpb$$}  # per run: several benches may share this machine
FLEET="$ROOT/test-fleet/fleet.sh"
CIDR=10.88.0.0/24
export LC_ALL=C.UTF-8 LANG=C.UTF-8

WORK=$(mktemp -d /tmp/jplay-fleet-containers.XXXXXX)
REGISTRY_PID=
# CPU accounting: this script and everything it starts (controller, the hosts' sshd, agents, runc, CNI plugins) run
# in a cpuacct cgroup of their own, so a run's CPU time is known even on a machine shared with other work.
CPUACCT=
if [ -d /sys/fs/cgroup/cpuacct ]; then
  CPUACCT=/sys/fs/cgroup/cpuacct/jplay-bench-$$
  mkdir -p "$CPUACCT" && echo $$ >"$CPUACCT/cgroup.procs" || CPUACCT=
fi
cpu_ms() { if [ -n "$CPUACCT" ]; then echo $(( $(cat "$CPUACCT/cpuacct.usage") / 1000000 )); else echo 0; fi; }
cleanup() {
  set +e
  if [ -f "$WORK/hosts.yml" ] && [ -n "${IMAGE:-}" ]; then
    "$ROOT/jplay" apply "$ROOT/playbooks/examples/web-fleet.yml" -i "$WORK/hosts.yml" --known-hosts "$WORK/fleet/known_hosts" \
      --state-dir "$WORK/state" --report-dir "$WORK/run-cleanup" -e replicas=0 -e image="$IMAGE" -e cidr=$CIDR >/dev/null 2>&1 \
      || echo "scale to zero failed: see $WORK/run-cleanup" >&2
  fi
  [ -z "$REGISTRY_PID" ] || kill "$REGISTRY_PID" 2>/dev/null
  "$FLEET" down --prefix $PREFIX >/dev/null 2>&1
  [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
  if [ -n "$CPUACCT" ]; then
    echo $$ >/sys/fs/cgroup/cpuacct/cgroup.procs
    rmdir "$CPUACCT" 2>/dev/null || true
  fi
}
trap cleanup EXIT

"$ROOT/jplay" --version >/dev/null # builds the CLI if needed, outside the timings
"$FLEET" down --prefix $PREFIX >/dev/null 2>&1 || true
"$FLEET" up "$HOSTS" --prefix $PREFIX --out "$WORK/fleet" >/dev/null
sed 's/^    fleet:$/    web:/' "$WORK/fleet/inventory.yml" >"$WORK/hosts.yml"

# A registry on the fleet's bridge, which every host reaches.
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
IMAGE=10.213.0.1:$PORT/bench/web:1
"$ROOT/jplay" dev push-busybox-image --insecure "$IMAGE" >/dev/null

apply() { # RUN-NAME; prints "wall-ms cpu-ms"
  local start end cpu0
  cpu0=$(cpu_ms)
  start=$(date +%s%N)
  "$ROOT/jplay" apply "$ROOT/playbooks/examples/web-fleet.yml" -i "$WORK/hosts.yml" --known-hosts "$WORK/fleet/known_hosts" \
    --state-dir "$WORK/state" --report-dir "$WORK/run-$1" -e replicas="$REPLICAS" -e image="$IMAGE" -e cidr=$CIDR \
    >"$WORK/run-$1.out" 2>&1 || { tail -20 "$WORK/run-$1.out" >&2; exit 1; }
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(( $(cpu_ms) - cpu0 ))"
}

# Every instance answers GET / with its name on its IP, from its host: one exec per host, probes in parallel.
check() {
  local i answered=0 n
  for i in $(seq 1 "$HOSTS"); do
    n=$("$FLEET" exec --prefix $PREFIX "$i" -- bash -c '
      for f in /root/.jplay/state/network/attachments/*.json; do
        [ -e "$f" ] || continue
        ip=$(sed -n "s/.*\"ip\" *: *\"\([0-9.]*\)\".*/\1/p" "$f" | head -1); name=$(basename "$f" .json)
        ( body=$(timeout 2 bash -c "exec 3<>/dev/tcp/$ip/80 && printf \"GET / HTTP/1.0\r\n\r\n\" >&3 && cat <&3" | tail -n 1)
          [ "$body" = "$name" ] && echo ok ) &
      done; wait' | grep -c ok || true)
    answered=$((answered + n))
  done
  echo "$answered"
}

read -r first first_cpu < <(apply first)
answered=$(check)
read -r again again_cpu < <(apply again)
changed=$(grep -o 'changed=[0-9]*' "$WORK/run-again.out" | awk -F= '{s += $2} END {print s + 0}')

printf '%d containers over %d hosts, each with its own IP (%s); %d cores, load average %s\n' "$REPLICAS" "$HOSTS" "$CIDR" \
  "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '  jplay first run  %6d ms wall  %6d ms CPU  (%d of %d answer HTTP on their IP)  goal <= 9 s; Ansible+skopeo/umoci/runc 43 s\n' \
  "$first" "$first_cpu" "$answered" "$REPLICAS"
printf '  jplay re-run     %6d ms wall  %6d ms CPU  (changed=%d)                          goal <= 3 s; Ansible+skopeo/umoci/runc 31 s\n' \
  "$again" "$again_cpu" "$changed"
echo "  (CPU: every process of the run, hosts included; all hosts share this machine's cores)"
[ "$answered" = "$REPLICAS" ] && [ "$changed" = 0 ]

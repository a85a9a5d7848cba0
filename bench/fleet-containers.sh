#!/usr/bin/env bash
# 100 containers over 10 hosts, each container with its own IP: `jplay apply playbooks/examples/web-fleet.yml`
# on a test fleet (test-fleet/fleet.sh: network-namespace hosts with their own sshd), first run and re-run.
# Then, on the same fleet cleaned (jplay replicas=0), the reference side by side: bench/reference/web-fleet.yml, the
# same instances at the same addresses (from `jplay plan --json`) done by hand with Ansible + skopeo, umoci, runc
# and the CNI plugins (the issue's figures: 43 s first run, 31 s re-run; jplay's goal <= 9 s and <= 3 s).
#
#   bench/fleet-containers.sh [HOSTS] [REPLICAS]        (defaults 10 100)
# Env: KEEP=1 keeps the work directory; REFERENCE=0 skips the reference. Needs root, docker-registry, runc,
# containernetworking-plugins, and for the reference ansible, skopeo, umoci, jq.
# Every address used is on this machine: the fleet's bridge 10.213.0.0/16 and the containers' 10.88.0.0/24
# inside the host namespaces.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HOSTS=${1:-10}
REPLICAS=${2:-100}
# A fleet prefix of its own per run: fleets, netns and cgroups of concurrent runs (other engineers on this
# machine) must not collide, and a run must never take down a fleet it did not bring up.
PREFIX=${PREFIX:-jpb$$}
REF_NS=${PREFIX}r-          # the reference's instance netns (/run/netns is shared by all hosts) ...
REF_CGROUP=/${PREFIX}r      # ... and cgroup parent: both named after the fleet, so cleanup finds exactly these
FLEET="$ROOT/test-fleet/fleet.sh"
CIDR=10.88.0.0/24
export LC_ALL=C.UTF-8 LANG=C.UTF-8

WORK=$(mktemp -d /tmp/jplay-fleet-containers.XXXXXX)
REGISTRY_PID=
FLEET_OURS=
# CPU accounting: this script and everything it starts (controller, the hosts' sshd, agents, runc, CNI plugins) run
# in a cpuacct cgroup of their own, so a run's CPU time is known even on a machine shared with other work.
CPUACCT=
if [ -d /sys/fs/cgroup/cpuacct ]; then
  CPUACCT=/sys/fs/cgroup/cpuacct/jplay-bench-$$
  mkdir -p "$CPUACCT" && echo $$ >"$CPUACCT/cgroup.procs" || CPUACCT=
fi
cpu_ms() { if [ -n "$CPUACCT" ]; then echo $(( $(cat "$CPUACCT/cpuacct.usage") / 1000000 )); else echo 0; fi; }
# Every reference container, netns and cgroup, even after a failure half-way: runc delete -f inside each host
# (its runc state is on a tmpfs of that host), then whatever is left in the reference's netns is killed.
cleanup_reference() {
  local i ns pids
  for i in $(seq 1 "$HOSTS"); do
    [ -d "/run/jplay-fleet/$PREFIX" ] || break
    "$FLEET" exec --prefix $PREFIX "$i" -- sh -c '
      mountpoint -q /run/runc || exit 0
      for c in $(runc list -q 2>/dev/null); do runc delete -f "$c" >/dev/null 2>&1; done' 2>/dev/null
  done
  for ns in $(ip netns list 2>/dev/null | awk -v p="$REF_NS" 'index($1, p) == 1 {print $1}'); do
    pids=$(ip netns pids "$ns" 2>/dev/null)
    [ -z "$pids" ] || kill -9 $pids 2>/dev/null
    ip netns del "$ns" 2>/dev/null
  done
  sleep 0.2
  rmdir /sys/fs/cgroup/*"$REF_CGROUP"/* /sys/fs/cgroup/*"$REF_CGROUP" 2>/dev/null
  return 0
}
cleanup() {
  set +e
  cleanup_reference
  local s
  for s in "$WORK"/cp/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy >/dev/null 2>&1; done
  if [ -f "$WORK/hosts.yml" ] && [ -n "${IMAGE:-}" ]; then
    "$ROOT/jplay" apply "$ROOT/playbooks/examples/web-fleet.yml" -i "$WORK/hosts.yml" --known-hosts "$WORK/fleet/known_hosts" \
      --state-dir "$WORK/state" --report-dir "$WORK/run-cleanup" -e replicas=0 -e image="$IMAGE" -e cidr=$CIDR >/dev/null 2>&1 \
      || echo "scale to zero failed: see $WORK/run-cleanup" >&2
  fi
  [ -z "$REGISTRY_PID" ] || kill "$REGISTRY_PID" 2>/dev/null
  [ -z "$FLEET_OURS" ] || "$FLEET" down --prefix $PREFIX >/dev/null 2>&1
  [ -z "${WARM:-}" ] || "$FLEET" down --prefix "$WARM" >/dev/null 2>&1
  [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
  if [ -n "$CPUACCT" ]; then
    echo $$ >/sys/fs/cgroup/cpuacct/cgroup.procs
    rmdir "$CPUACCT" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP   # so that an interrupted run cleans up too

"$ROOT/jplay" --version >/dev/null # builds the CLI if needed, outside the timings
# The CLI records its class-data archive during the first `apply` after a build (see ./jplay): do that apply here,
# untimed, against a throwaway one-host fleet, so that the first timed run is the fleet's first, not the build's.
WARM=w$(( $$ % 10000000 ))
"$FLEET" up 1 --prefix "$WARM" --out "$WORK/warm" >/dev/null
printf -- '- hosts: fleet\n  tasks:\n    - ping:\n' >"$WORK/warm/ping.yml"
"$ROOT/jplay" apply "$WORK/warm/ping.yml" -i "$WORK/warm/inventory.yml" --known-hosts "$WORK/warm/known_hosts" \
  --report-dir "$WORK/warm/run" >"$WORK/warm/out" 2>&1 || { cat "$WORK/warm/out" >&2; exit 1; }
"$FLEET" down --prefix "$WARM" >/dev/null
[ ! -e "/run/jplay-fleet/$PREFIX" ] || { echo "a fleet '$PREFIX' exists already (not ours: left alone)" >&2; exit 1; }
FLEET_OURS=1
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

# A first-run agent writes its class-data archive after its last answer, while the controller exits: wait for the
# agent JVMs to end (their CPU is reported apart) so that the re-run starts on settled hosts, as any later run does.
settle() { # prints the ms waited
  local start i busy
  start=$(date +%s%N)
  for _ in $(seq 1 300); do
    busy=0
    for i in $(seq 1 "$HOSTS"); do
      [ -z "$("$FLEET" pgrep --prefix $PREFIX "$i" 'jplay-agent-' 2>/dev/null)" ] || { busy=1; break; }
    done
    [ "$busy" = 0 ] && break
    sleep 0.1
  done
  echo $(( ($(date +%s%N) - start) / 1000000 ))
}

read -r first first_cpu < <(apply first)
cpu0=$(cpu_ms); settled=$(settle); exit_cpu=$(( $(cpu_ms) - cpu0 ))
answered=$(check)
read -r again again_cpu < <(apply again)
changed=$(grep -o 'changed=[0-9]*' "$WORK/run-again.out" | awk -F= '{s += $2} END {print s + 0}')
load_jplay=$(cut -d' ' -f1-3 /proc/loadavg)

printf '%d containers over %d hosts, each with its own IP (%s); %d cores, load average %s\n' "$REPLICAS" "$HOSTS" "$CIDR" \
  "$(nproc)" "$load_jplay"
printf '  jplay first run  %6d ms wall  %6d ms CPU  (%d of %d answer HTTP on their IP)  goal <= 9 s; Ansible+skopeo/umoci/runc 43 s\n' \
  "$first" "$first_cpu" "$answered" "$REPLICAS"
printf '  jplay re-run     %6d ms wall  %6d ms CPU  (changed=%d)                          goal <= 3 s; Ansible+skopeo/umoci/runc 31 s\n' \
  "$again" "$again_cpu" "$changed"
echo "  (CPU: every process of the run, hosts included; all hosts share this machine's cores)"
printf '  after the first run the agents wrote their class-data archives: %d ms CPU more, hosts settled %d ms after the run\n' \
  "$exit_cpu" "$settled"
[ "$answered" = "$REPLICAS" ] && [ "$changed" = 0 ] || { echo "jplay run not verified: see $WORK" >&2; exit 1; }
[ "${REFERENCE:-1}" = 1 ] || exit 0

# ---- Reference: Ansible + skopeo/umoci/runc/CNI, the same instances at the same addresses ----
# The placement jplay used (its state file), as Ansible extra vars: {ref_instances: {HOST: [{name, ip, ...}]}}.
"$ROOT/jplay" plan "$ROOT/playbooks/examples/web-fleet.yml" -i "$WORK/hosts.yml" --state-dir "$WORK/state" --json \
  -e replicas="$REPLICAS" -e image="$IMAGE" -e cidr=$CIDR >"$WORK/plan.json"
jq '{ref_instances: (.plays[0].hosts | map({key: .host, value: .instances}) | from_entries)}' "$WORK/plan.json" >"$WORK/plan-vars.json"
planned=$(jq '[.ref_instances[] | length] | add // 0' "$WORK/plan-vars.json")
[ "$planned" = "$REPLICAS" ] || { echo "plan places $planned instances, not $REPLICAS: see $WORK/plan.json" >&2; exit 1; }
[ "$(jq '.plays[0].summary.unchanged' "$WORK/plan.json")" = "$REPLICAS" ] \
  || { echo "plan differs from what jplay deployed: see $WORK/plan.json" >&2; exit 1; }

# Clean the hosts of jplay's instances, and its bridge (same subnet as the reference's: two routes would clash).
"$ROOT/jplay" apply "$ROOT/playbooks/examples/web-fleet.yml" -i "$WORK/hosts.yml" --known-hosts "$WORK/fleet/known_hosts" \
  --state-dir "$WORK/state" --report-dir "$WORK/run-zero" -e replicas=0 -e image="$IMAGE" -e cidr=$CIDR \
  >"$WORK/run-zero.out" 2>&1 || { tail -20 "$WORK/run-zero.out" >&2; exit 1; }
for i in $(seq 1 "$HOSTS"); do
  # Each host gets private /var/lib/ref and runc state (/run/runc), as fleet.sh gives it private jplay dirs: the
  # hosts share this machine's filesystem. Both vanish with the host's mount namespace.
  "$FLEET" exec --prefix $PREFIX "$i" -- sh -c '
    left=$(ls /sys/class/net | grep -c "^veth" || true)
    ip link del jp-web 2>/dev/null || true
    mkdir -p /var/lib/ref /run/runc
    mount -t tmpfs -o mode=0755 ref-lib /var/lib/ref && mount -t tmpfs -o mode=0700 ref-runc /run/runc
    echo "$left"' >"$WORK/clean-$i.out" \
    || { echo "cleaning host $i failed" >&2; exit 1; }
done
[ "$(awk '{s += $1} END {print s + 0}' "$WORK"/clean-*.out)" = 0 ] \
  || { echo "jplay left container veths behind after replicas=0: $(cat "$WORK"/clean-*.out | tr '\n' ' ')" >&2; exit 1; }

# Ansible sees only this config and these dirs: nothing from ~/.ansible or /etc/ansible (as bench/controller.sh).
export ANSIBLE_CONFIG="$WORK/ansible.cfg" ANSIBLE_HOME="$WORK/ansible-home" ANSIBLE_LOCAL_TEMP="$WORK/ansible-home/tmp"
export ANSIBLE_SSH_CONTROL_PATH_DIR="$WORK/cp" ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=false
export ANSIBLE_HOST_KEY_CHECKING=true ANSIBLE_PIPELINING=true ANSIBLE_GATHERING=explicit
export ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s" ANSIBLE_FORKS="$HOSTS"
export ANSIBLE_CALLBACKS_ENABLED= ANSIBLE_STDOUT_CALLBACK=default
: >"$ANSIBLE_CONFIG"
mkdir -p "$ANSIBLE_LOCAL_TEMP" "$ANSIBLE_SSH_CONTROL_PATH_DIR"

reference() { # RUN-NAME; prints "wall-ms cpu-ms". Cold, like jplay: no ControlPersist master from an earlier run.
  local start end cpu0 s
  for s in "$ANSIBLE_SSH_CONTROL_PATH_DIR"/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy >/dev/null 2>&1; done
  rm -f "$ANSIBLE_SSH_CONTROL_PATH_DIR"/*
  cpu0=$(cpu_ms)
  start=$(date +%s%N)
  ansible-playbook -i "$WORK/fleet/inventory.ini" "$ROOT/bench/reference/web-fleet.yml" -e image="$IMAGE" \
    -e @"$WORK/plan-vars.json" -e netns_prefix="$REF_NS" -e cgroup_parent="$REF_CGROUP" >"$WORK/ref-$1.out" 2>&1 \
    || { tail -30 "$WORK/ref-$1.out" >&2; exit 1; }
  end=$(date +%s%N)
  echo "$(( (end - start) / 1000000 )) $(( $(cpu_ms) - cpu0 ))"
}

# Every reference instance answers GET / with its name on its IP (from the plan), from its host.
check_reference() {
  local i answered=0 n
  for i in $(seq 1 "$HOSTS"); do
    n=$("$FLEET" exec --prefix $PREFIX "$i" -- bash -c '
      while read -r name ip; do
        ( body=$(timeout 2 bash -c "exec 3<>/dev/tcp/$ip/80 && printf \"GET / HTTP/1.0\r\n\r\n\" >&3 && cat <&3" | tail -n 1)
          [ "$body" = "$name" ] && echo ok ) &
      done; wait' < <(jq -r --arg h "$PREFIX-$i" '.ref_instances[$h][]? | "\(.name) \(.ip)"' "$WORK/plan-vars.json") \
      | grep -c ok || true)
    answered=$((answered + n))
  done
  echo "$answered"
}

read -r ref_first ref_first_cpu < <(reference first)
ref_answered=$(check_reference)
read -r ref_again ref_again_cpu < <(reference again)
ref_changed=$(sed -n '/PLAY RECAP/,$p' "$WORK/ref-again.out" | grep -o 'changed=[0-9]*' | awk -F= '{s += $2} END {print s + 0}')
load_ref=$(cut -d' ' -f1-3 /proc/loadavg)

echo
printf '%d containers over %d hosts, side by side (%d cores shared with other work)\n' "$REPLICAS" "$HOSTS" "$(nproc)"
printf '| %-28s | %9s | %9s | %13s | %13s | %-17s | %s\n' tool "first s" "re-run s" "first CPU s" "re-run CPU s" "load avg after" answered
printf '|%s|%s|%s|%s|%s|%s|%s\n' ------------------------------ ----------- ----------- --------------- --------------- ------------------- --------
printf '| %-28s | %9.2f | %9.2f | %13.2f | %13.2f | %-17s | %d/%d, re-run changed=%d\n' jplay \
  "$(echo "$first / 1000" | bc -l)" "$(echo "$again / 1000" | bc -l)" "$(echo "$first_cpu / 1000" | bc -l)" \
  "$(echo "$again_cpu / 1000" | bc -l)" "$load_jplay" "$answered" "$REPLICAS" "$changed"
printf '| %-28s | %9.2f | %9.2f | %13.2f | %13.2f | %-17s | %d/%d, re-run changed=%d\n' "ansible+skopeo/umoci/runc" \
  "$(echo "$ref_first / 1000" | bc -l)" "$(echo "$ref_again / 1000" | bc -l)" "$(echo "$ref_first_cpu / 1000" | bc -l)" \
  "$(echo "$ref_again_cpu / 1000" | bc -l)" "$load_ref" "$ref_answered" "$REPLICAS" "$ref_changed"
printf '| %-28s | %8.1fx | %8.1fx | %12.1fx | %12.1fx |\n' "ratio reference/jplay" \
  "$(echo "$ref_first / $first" | bc -l)" "$(echo "$ref_again / $again" | bc -l)" \
  "$(echo "$ref_first_cpu / ($first_cpu + 1)" | bc -l)" "$(echo "$ref_again_cpu / ($again_cpu + 1)" | bc -l)"
echo "(issue's reference figures: 43 s first run, 31 s re-run; CPU: every process of the run, hosts included)"
[ "$ref_answered" = "$REPLICAS" ] && [ "$ref_changed" = 0 ]

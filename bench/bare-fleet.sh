#!/usr/bin/env bash
# From fresh VMs to serving instances: a bare test fleet (test-fleet/fleet.sh --profile bare: login debian with sudo,
# no Java, no runc, no CNI plugins, apt from a repository on the fleet's bridge) and one
# `jplay apply playbooks/examples/web-fleet.yml -b`, cold, then again. The first run's wall time is split with its
# events: connect + Java runtime and agent push + agents started (until the last host's preflight began), the
# preflight's apt install (the longest host's), then pull and start of the instances. jplay's own part = total - apt.
# Side by side, on a second fresh bare fleet of the same size: Ansible installing the same packages with apt through
# become, so the package manager's own cost is visible (issue's goal: jplay's own part < 5 s for 10 hosts, and the
# second run as fast as on a prepared fleet). Each jplay run's CPU too, the figure that depends least on the load: the
# controller's, and all the hosts' processes per host.
#
#   bench/bare-fleet.sh [--hosts 10] [--instances 100] [--prefix bbNNNN] [--keep DIR]
# Env: ANSIBLE=0 skips the Ansible side. Needs root, docker-registry, apt-get and ansible (for the Ansible side).
# Every address used is on this machine: the fleet's bridge 10.213.0.0/16 and the instances' 10.88.0.0/24 inside
# the host namespaces.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FLEET="$ROOT/test-fleet/fleet.sh"
HOSTS=10
INSTANCES=100
PREFIX=bb$(( $$ % 10000 ))   # fleet.sh allows 8 characters: 'w' and 'a' name the warm-up and Ansible fleets
keep=
CIDR=10.88.0.0/24
PACKAGES=runc,containernetworking-plugins,attr   # what jplay's preflight installs for a container on a jplay network
export LC_ALL=C.UTF-8 LANG=C.UTF-8

die() { echo "bare-fleet.sh: $*" >&2; exit 1; }
while [ $# -gt 0 ]; do
  case "$1" in
    --hosts) HOSTS="$2"; shift 2 ;;
    --instances) INSTANCES="$2"; shift 2 ;;
    --prefix) PREFIX="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;   # keep run logs here
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) die "unknown argument '$1'" ;;
  esac
done
[[ "$HOSTS" =~ ^[1-9][0-9]*$ ]] || die "--hosts needs a positive number"
[[ "$INSTANCES" =~ ^[0-9]+$ ]] || die "--instances needs a number"
[[ "$PREFIX" =~ ^[a-z][a-z0-9]{0,6}$ ]] || die "--prefix: 1-7 lowercase letters/digits, starting with a letter"
[ "${ANSIBLE:-1}" = 0 ] || command -v ansible >/dev/null || die "ansible not found (apt-get install ansible), or ANSIBLE=0"

WORK=$(mktemp -d /tmp/jplay-bare-fleet.XXXXXX)
REGISTRY_PID=
UP=()   # prefixes of the fleets this run brought up: the only ones it takes down
cleanup() {
  set +e
  local p s
  for s in "$WORK"/cp/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy >/dev/null 2>&1; done
  if [ -f "$WORK/hosts.yml" ] && [ -n "${IMAGE:-}" ]; then
    "$ROOT/jplay" apply "$ROOT/playbooks/examples/web-fleet.yml" -i "$WORK/hosts.yml" -b --known-hosts "$WORK/fleet/known_hosts" --state-dir "$WORK/state" \
      --report-dir "$WORK/run-cleanup" -e replicas=0 -e image="$IMAGE" -e cidr=$CIDR >/dev/null 2>&1 \
      || echo "scale to zero failed: see $WORK/run-cleanup" >&2
  fi
  [ -z "$REGISTRY_PID" ] || kill "$REGISTRY_PID" 2>/dev/null
  for p in "${UP[@]}"; do "$FLEET" down --prefix "$p" >/dev/null 2>&1; done
  if [ -n "$keep" ]; then mkdir -p "$keep" && cp -r "$WORK"/. "$keep"/; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP   # so that an interrupted run cleans up too

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
s() { printf '%.2f' "$(echo "$1 / 1000" | bc -l)"; }
up_bare() { # PREFIX OUT
  [ ! -e "/run/jplay-fleet/$1" ] || die "a fleet '$1' exists already (not ours: left alone)"
  UP+=("$1")
  "$FLEET" up "$HOSTS" --profile bare --prefix "$1" --out "$2" >/dev/null
}

"$ROOT/jplay" --version >/dev/null # builds the CLI if needed, outside the timings
# Untimed warm-up on a throwaway one-host bare fleet: the CLI records its class-data archive on its first apply after
# a build, and the controller builds (and caches) the Java runtime it pushes. Both are the controller's one-time
# costs, not a fleet's: the timed run starts from the state of a controller that has deployed before.
up_bare "${PREFIX}w" "$WORK/warm"
printf -- '- hosts: fleet\n  tasks:\n    - ping:\n' >"$WORK/warm/ping.yml"
"$ROOT/jplay" apply "$WORK/warm/ping.yml" -i "$WORK/warm/inventory.yml" --known-hosts "$WORK/warm/known_hosts" --report-dir "$WORK/warm/run" >"$WORK/warm/out" 2>&1 \
  || { cat "$WORK/warm/out" >&2; exit 1; }
"$FLEET" down --prefix "${PREFIX}w" >/dev/null

up_bare "$PREFIX" "$WORK/fleet"
sed 's/^    fleet:$/    web:/' "$WORK/fleet/inventory.yml" >"$WORK/hosts.yml"
for i in $(seq 1 "$HOSTS"); do
  [ "$("$FLEET" exec --prefix "$PREFIX" "$i" -- sh -c 'command -v runc || echo absent')" = absent ] \
    || die "host $i of a fresh bare fleet has runc already"
done

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

# CPU ms that all hosts' processes used so far: each host's sshd is PID 1 of its PID namespace, so every session,
# agent and command ends up reaped by it and counted in its children's times. Read after quiet(): once the agents exited.
hosts_cpu_ms() {
  local f t=0 ticks
  ticks=$(getconf CLK_TCK)
  for f in /run/jplay-fleet/"$PREFIX"/h*/sshd.pid; do
    t=$(( t + $(awk '{print $14 + $15 + $16 + $17}' "/proc/$(cat "$f")/stat") ))
  done
  echo $(( t * 1000 / ticks ))
}
# Waits (up to 30 s) until no host runs a JVM: an agent outlives its connection by the class archive it writes at exit.
quiet() {
  local i n
  for _ in $(seq 1 300); do
    n=0
    for i in $(seq 1 "$HOSTS"); do
      [ -z "$("$FLEET" pgrep --prefix "$PREFIX" "$i" 'jplay-agent' 2>/dev/null)" ] || n=$((n + 1))
    done
    [ "$n" = 0 ] && return 0
    sleep 0.1
  done
  echo "bare-fleet.sh: agents still running 30 s after the run" >&2
}

apply() { # RUN-NAME; prints the wall ms; CPU ms of the controller and of all hosts in $WORK/run-NAME.cpu
  local start h0
  quiet
  h0=$(hosts_cpu_ms)
  start=$(date +%s%N)
  /usr/bin/time -f "%U %S" -o "$WORK/run-$1.time" "$ROOT/jplay" apply "$ROOT/playbooks/examples/web-fleet.yml" -i "$WORK/hosts.yml" -b --known-hosts "$WORK/fleet/known_hosts" --state-dir "$WORK/state" \
    --report-dir "$WORK/run-$1" -e replicas="$INSTANCES" -e image="$IMAGE" -e cidr=$CIDR \
    >"$WORK/run-$1.out" 2>&1 || { tail -20 "$WORK/run-$1.out" >&2; exit 1; }
  ms_since "$start"
  quiet
  echo "$(awk '{printf "%d", ($1 + $2) * 1000}' "$WORK/run-$1.time") $(( $(hosts_cpu_ms) - h0 ))" >"$WORK/run-$1.cpu"
}

# The first run's phases from its events (times in ms): "pushes connect apt rest", where connect is run start to the
# last host's preflight start (connection, runtime and agent push, both agents started), apt the longest preflight
# (its warning says how long it took), rest from the last preflight's end to the run's end (pull, unpack, start).
phases() { # EVENTS-FILE
  python3 - "$1" <<'PY'
import json, re, sys
from datetime import datetime
def t(e):  # Instant.toString(): 0, 3, 6 or 9 fractional digits
    whole, _, frac = e["time"].rstrip("Z").partition(".")
    return datetime.fromisoformat(whole + "+00:00").timestamp() * 1000 + float("0." + (frac or "0")) * 1000
events = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
start = next(t(e) for e in events if e["event"] == "run_start")
end = next(t(e) for e in events if e["event"] == "run_end")
pushes = sum(1 for e in events if e["event"] == "runtime_pushed")
preps = []
for e in events:
    m = re.search(r" with \w+ in ([0-9.]+) s \(host preparation", e.get("message", "")) if e["event"] == "warning" else None
    if m: preps.append((t(e) - float(m.group(1)) * 1000, t(e), float(m.group(1)) * 1000))
if not preps: sys.exit("no host preparation in " + sys.argv[1])
print(pushes, len(preps), round(max(p[0] for p in preps) - start), round(max(p[2] for p in preps)),
      round(end - max(p[1] for p in preps)))
PY
}

# Every instance answers GET / with its name on its IP, from its host: one exec per host, probes in parallel.
check() {
  local i answered=0 n
  for i in $(seq 1 "$HOSTS"); do
    n=$("$FLEET" exec --prefix "$PREFIX" "$i" -- bash -c '
      for f in /var/lib/jplay/network/attachments/*.json; do
        [ -e "$f" ] || continue
        ip=$(sed -n "s/.*\"ip\" *: *\"\([0-9.]*\)\".*/\1/p" "$f" | head -1); name=$(basename "$f" .json)
        ( body=$(timeout 2 bash -c "exec 3<>/dev/tcp/$ip/80 && printf \"GET / HTTP/1.0\r\n\r\n\" >&3 && cat <&3" | tail -n 1)
          [ "$body" = "$name" ] && echo ok ) &
      done; wait' | grep -c ok || true)
    answered=$((answered + n))
  done
  echo "$answered"
}

first=$(apply first)
read -r pushes prepared connect apt rest < <(phases "$WORK/run-first/events.jsonl")
answered=$(check)
with_runc=0
for i in $(seq 1 "$HOSTS"); do
  "$FLEET" exec --prefix "$PREFIX" "$i" -- sh -c 'command -v runc >/dev/null && [ -x /usr/lib/cni/bridge ]' && with_runc=$((with_runc + 1))
done
again=$(apply again)
changed=$(grep -o 'changed=[0-9]*' "$WORK/run-again.out" | awk -F= '{s += $2} END {print s + 0}')
pushed_again=$(grep -c '"event":"runtime_pushed"' "$WORK/run-again/events.jsonl" || true)
load_jplay=$(cut -d' ' -f1-3 /proc/loadavg)
[ "$answered" = "$INSTANCES" ] && [ "$changed" = 0 ] && [ "$pushes" = "$HOSTS" ] && [ "$prepared" = "$HOSTS" ] \
  && [ "$with_runc" = "$HOSTS" ] && [ "$pushed_again" = 0 ] \
  || die "jplay run not verified (answered $answered/$INSTANCES, re-run changed=$changed, runtime pushes $pushes then $pushed_again, hosts prepared $prepared, with runc and CNI $with_runc): see $WORK"

# ---- Ansible: the same packages with apt through become, on a second fresh bare fleet ----
ansible_first=; ansible_again=; ansible_ok=
if [ "${ANSIBLE:-1}" = 1 ]; then
  # Ansible sees only this config and these dirs: nothing from ~/.ansible or /etc/ansible (as bench/controller.sh).
  export ANSIBLE_CONFIG="$WORK/ansible.cfg" ANSIBLE_HOME="$WORK/ansible-home" ANSIBLE_LOCAL_TEMP="$WORK/ansible-home/tmp"
  export ANSIBLE_SSH_CONTROL_PATH_DIR="$WORK/cp" ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=false
  export ANSIBLE_HOST_KEY_CHECKING=true ANSIBLE_PIPELINING=true ANSIBLE_GATHERING=explicit
  export ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s" ANSIBLE_FORKS="$HOSTS"
  : >"$ANSIBLE_CONFIG"
  mkdir -p "$ANSIBLE_LOCAL_TEMP" "$ANSIBLE_SSH_CONTROL_PATH_DIR"
  up_bare "${PREFIX}a" "$WORK/fleet-ansible"
  ansible_apt() { # RUN-NAME; prints the wall ms
    local start
    start=$(date +%s%N)
    ansible fleet -i "$WORK/fleet-ansible/inventory.ini" -b -m apt -a "name=$PACKAGES update_cache=yes install_recommends=no" \
      >"$WORK/ansible-$1.out" 2>&1 || { tail -30 "$WORK/ansible-$1.out" >&2; exit 1; }
    ms_since "$start"
  }
  ansible_first=$(ansible_apt first)
  ansible_again=$(ansible_apt again)
  ansible_ok=0
  for i in $(seq 1 "$HOSTS"); do
    "$FLEET" exec --prefix "${PREFIX}a" "$i" -- sh -c 'command -v runc >/dev/null && [ -x /usr/lib/cni/bridge ]' \
      && ansible_ok=$((ansible_ok + 1))
  done
  "$FLEET" down --prefix "${PREFIX}a" >/dev/null
  [ "$ansible_ok" = "$HOSTS" ] || die "Ansible's apt left $((HOSTS - ansible_ok)) hosts without runc or CNI plugins: see $WORK"
fi

echo
printf '%d bare hosts (fresh VMs: no Java, runc, CNI plugins) to %d serving instances; %d cores shared with other work, load average %s\n' \
  "$HOSTS" "$INSTANCES" "$(nproc)" "$load_jplay"
read -r ctl_first hosts_first <"$WORK/run-first.cpu"
read -r ctl_again hosts_again <"$WORK/run-again.cpu"
printf '| %-52s | %8s |\n' step "wall s"
printf '|%s|%s|\n' ------------------------------------------------------ ----------
printf '| %-52s | %8s |\n' "jplay first run, total" "$(s "$first")"
printf '| %-52s | %8s |\n' "  connect, Java runtime + agent push, agents started" "$(s "$connect")"
printf '| %-52s | %8s |\n' "  preflight: apt install (longest host)" "$(s "$apt")"
printf '| %-52s | %8s |\n' "  pull, unpack, start of $INSTANCES instances" "$(s "$rest")"
printf '| %-52s | %8s |\n' "  jplay's own part (total - apt)" "$(s $((first - apt)))"
printf '| %-52s | %8s |\n' "  CPU s: controller; per host (all its processes)" "$(s "$ctl_first"); $(s $((hosts_first / HOSTS)))"
printf '| %-52s | %8s |\n' "jplay second run (changed=$changed, nothing pushed)" "$(s "$again")"
printf '| %-52s | %8s |\n' "  CPU s: controller; per host" "$(s "$ctl_again"); $(s $((hosts_again / HOSTS)))"
if [ -n "$ansible_first" ]; then
  printf '| %-52s | %8s |\n' "Ansible: apt install through become (fresh fleet)" "$(s "$ansible_first")"
  printf '| %-52s | %8s |\n' "Ansible: the same again (nothing to install)" "$(s "$ansible_again")"
fi
echo "(checked: $answered/$INSTANCES instances answer on their IP; runc and CNI plugins on $with_runc/$HOSTS hosts; one runtime push per host)"
echo "(goal: jplay's own part < 5 s for 10 hosts; second run as fast as on a prepared fleet: bench/fleet-containers.sh's re-run)"

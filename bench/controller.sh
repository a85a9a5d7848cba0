#!/bin/bash
# Controller benchmark: the same 20-task playbook (command: /bin/true, no facts) on a fleet of real sshd
# hosts, run by ansible-playbook and by jplay apply, alternating, every run cold (no open connections).
# With --facts both tools gather facts first (the playbook says gather_facts: true, so each host reports 21 ok
# tasks): the cost of Ansible's default against jplay's, like with like.
#
#   bench/controller.sh [--hosts 10,50] [--runs 3] [--prefix jpb] [--keep DIR] [--facts]
#
# Prints size, tool, median/min/max wall time, the ratio Ansible/jplay (of medians), and the median CPU time of
# the controller (user+sys) and of all hosts together (cpuacct of the fleet's sshds: sessions, agents, commands).
# Each run is checked: every host must report 20 ok tasks (Ansible's PLAY RECAP, jplay's report.json), or the
# script fails. Before the timed runs, one untimed warm-up run per tool and size: for jplay it uploads the agent
# jar and records the agent's CDS archive on each host (and the CLI's archive after a build); its time is
# printed as "first run".
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FLEET="$ROOT/test-fleet/fleet.sh"
TASKS=20
gather=false
sizes=10,50
runs=3
prefix=jpb
keep=

die() { echo "controller.sh: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
  case "$1" in
    --hosts) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --prefix) prefix="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;   # keep run logs here
    --facts) gather=true; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) die "unknown argument '$1'" ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive number"
command -v ansible-playbook >/dev/null || die "ansible-playbook not found (apt-get install ansible)"

work=$(mktemp -d /tmp/jplay-bench.XXXXXX)
cgroup=/sys/fs/cgroup/cpuacct/jplay-bench-$prefix
cleanup() {
  "$FLEET" down --prefix "$prefix" >/dev/null 2>&1 || true
  rmdir "$cgroup" 2>/dev/null || true
  if [ -n "$keep" ]; then mkdir -p "$keep" && cp -r "$work"/. "$keep"/; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Build the CLI (and its CDS archive) before any timing.
"$ROOT/jplay" --version >/dev/null

# The playbook, identical for both tools.
{
  echo "- hosts: fleet"
  echo "  gather_facts: $gather"
  echo "  tasks:"
  for i in $(seq 1 $TASKS); do
    echo "    - name: true $i"
    echo "      command: /bin/true"
  done
} >"$work/playbook.yml"
# The gathering is one more ok task per host in both tools' recaps.
OK=$TASKS
[ "$gather" = true ] && OK=$((TASKS + 1))

# Ansible sees only this config and these dirs: nothing from ~/.ansible or /etc/ansible.
export ANSIBLE_CONFIG="$work/ansible.cfg"
export ANSIBLE_HOME="$work/ansible-home"
export ANSIBLE_LOCAL_TEMP="$work/ansible-home/tmp"
export ANSIBLE_SSH_CONTROL_PATH_DIR="$work/cp"
export ANSIBLE_NOCOLOR=1
export ANSIBLE_RETRY_FILES_ENABLED=false
export ANSIBLE_HOST_KEY_CHECKING=true
export ANSIBLE_PIPELINING=true
export ANSIBLE_GATHERING=explicit
export ANSIBLE_SSH_ARGS="-o ControlMaster=auto -o ControlPersist=60s"
export ANSIBLE_CALLBACKS_ENABLED=
export ANSIBLE_STDOUT_CALLBACK=default
: >"$ANSIBLE_CONFIG"

now() { date +%s.%N; }

# Puts the fleet's sshds (and so every session, agent and command they start) in a cpuacct cgroup.
account_hosts() {
  [ -d /sys/fs/cgroup/cpuacct ] || return 0
  mkdir -p "$cgroup"
  local f
  for f in /run/jplay-fleet/"$prefix"/h*/sshd.pid; do cat "$f" >"$cgroup/cgroup.procs"; done
}
host_cpu_ns() { cat "$cgroup/cpuacct.usage" 2>/dev/null || echo 0; }

# A new host may reuse the address of an earlier fleet's host: drop neighbour entries with the old MACs
# (they make the first connects time out), then wait until every sshd answers.
wait_reachable() {
  local addrs addr i
  addrs=$(awk -F'ansible_host=' 'NF>1 {print $2}' "$work/fleet/inventory.ini")
  for addr in $addrs; do ip neigh del "$addr" dev jpbr0 2>/dev/null || true; done
  for addr in $addrs; do
    for i in $(seq 1 100); do timeout 1 bash -c "exec 3<>/dev/tcp/$addr/22" 2>/dev/null && break; sleep 0.1; done
  done
}

# timed OUT_SECONDS OUT_CPU CMD... : wall seconds and controller CPU seconds (children included) of CMD.
timed() {
  local tf; tf=$(mktemp "$work/time.XXXXXX")
  local t0 t1 rc=0
  t0=$(now)
  /usr/bin/time -f "%U %S" -o "$tf" "$@" || rc=$?
  t1=$(now)
  wall=$(echo "$t1 - $t0" | bc)
  ctl_cpu=$(awk '{print $1 + $2}' "$tf")
  rm -f "$tf"
  return $rc
}

# run_ansible N LOG -> prints seconds
run_ansible() {
  local n="$1" log="$2" t0 t1
  rm -rf "$ANSIBLE_SSH_CONTROL_PATH_DIR"   # cold: no ControlPersist master left from an earlier run
  mkdir -p "$ANSIBLE_SSH_CONTROL_PATH_DIR"
  local h0; h0=$(host_cpu_ns)
  export ANSIBLE_FORKS="$n"
  timed ansible-playbook -i "$work/fleet/inventory.ini" "$work/playbook.yml" >"$log" 2>&1 \
    || { tail -20 "$log" >&2; die "ansible-playbook failed at $n hosts (log $log)"; }
  # Close the masters this run left (they would otherwise idle for ControlPersist, using a little CPU).
  for s in "$ANSIBLE_SSH_CONTROL_PATH_DIR"/*; do
    [ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy >/dev/null 2>&1 || true
  done
  local good
  good=$(grep -cE "^$prefix-[0-9]+ +: ok=$OK +changed=[0-9]+ +unreachable=0 +failed=0" "$log" || true)
  [ "$good" = "$n" ] || { sed -n '/PLAY RECAP/,$p' "$log" >&2; die "Ansible: $good of $n hosts did $OK ok tasks (log $log)"; }
  echo "$wall $ctl_cpu $(( ($(host_cpu_ns) - h0) / 1000000 ))"
}

# run_jplay N LOG RUNDIR -> prints seconds
run_jplay() {
  local n="$1" log="$2" dir="$3" h0
  h0=$(host_cpu_ns)
  (cd "$work" && timed "$ROOT/jplay" apply "$work/playbook.yml" -i "$work/fleet/inventory.yml" --forks "$n" \
      --known-hosts "$work/fleet/known_hosts" --report-dir "$dir" >"$log" 2>&1 && echo "$wall $ctl_cpu" >"$dir.t") \
    || { tail -20 "$log" >&2; die "jplay apply failed at $n hosts (log $log)"; }
  local h1; h1=$(host_cpu_ns)
  /usr/bin/python3 - "$dir/report.json" "$n" "$OK" <<'EOF' || die "jplay: not every host did $OK ok tasks (report $dir/report.json)"
import json, sys
report, n, tasks = json.load(open(sys.argv[1])), int(sys.argv[2]), int(sys.argv[3])
def find_recap(o):
    if isinstance(o, dict):
        for k in ("recap", "hosts"):
            if isinstance(o.get(k), dict) and o[k] and all(isinstance(v, dict) and "ok" in v for v in o[k].values()):
                return o[k]
        for v in o.values():
            r = find_recap(v)
            if r: return r
    return None
recap = find_recap(report)
good = [h for h, r in (recap or {}).items()
        if r.get("ok") == tasks and not r.get("failed") and not r.get("unreachable")]
if len(good) != n:
    print(f"jplay recap: {len(good)} of {n} hosts did {tasks} ok tasks: {recap}", file=sys.stderr)
    sys.exit(1)
EOF
  echo "$(cat "$dir.t") $(( (h1 - h0) / 1000000 ))"
}

stats() { # values... -> "median min max"
  printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {m = NR % 2 ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2; printf "%.2f %.2f %.2f\n", m, v[1], v[NR]}'
}

results=()
IFS=, read -ra size_list <<<"$sizes"
for n in "${size_list[@]}"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "bad host count '$n'"
  "$FLEET" down --prefix "$prefix" >/dev/null 2>&1 || true
  rm -rf "$work/fleet"
  "$FLEET" up "$n" --prefix "$prefix" --out "$work/fleet" >/dev/null
  wait_reachable
  account_hosts
  out=$(run_ansible "$n" "$work/ansible-$n-warmup.log") || exit 1; read -r aw _ <<<"$out"
  out=$(run_jplay "$n" "$work/jplay-$n-warmup.log" "$work/jplay-$n-warmup") || exit 1; read -r jw _ <<<"$out"
  printf '  %s hosts, first (untimed) run: ansible %.2f s, jplay %.2f s' "$n" "$aw" "$jw" >&2; echo " (uploads the agent, records CDS archives)" >&2
  # The first agents write their CDS archives after the controller has returned: let them finish (up to 30 s).
  for _ in $(seq 1 300); do
    busy=0
    for i in $(seq 1 "$n"); do
      [ -z "$("$FLEET" pgrep --prefix "$prefix" "$i" 'jplay-agent-' 2>/dev/null)" ] || { busy=1; break; }
    done
    [ "$busy" = 0 ] && break
    sleep 0.1
  done
  a=() ac=() ah=() j=() jc=() jh=()
  for r in $(seq 1 "$runs"); do
    out=$(run_ansible "$n" "$work/ansible-$n-$r.log") || exit 1
    read -r w c h <<<"$out"; a+=("$w"); ac+=("$c"); ah+=("$h")
    out=$(run_jplay "$n" "$work/jplay-$n-$r.log" "$work/jplay-$n-$r") || exit 1
    read -r w c h <<<"$out"; j+=("$w"); jc+=("$c"); jh+=("$h")
    printf '  %s hosts run %s: ansible %.2f s, jplay %.2f s' "$n" "$r" "${a[-1]}" "${j[-1]}" >&2; echo " (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  done
  read -r am amin amax <<<"$(stats "${a[@]}")"
  read -r jm jmin jmax <<<"$(stats "${j[@]}")"
  read -r acm _ <<<"$(stats "${ac[@]}")"; read -r ahm _ <<<"$(stats "${ah[@]}")"
  read -r jcm _ <<<"$(stats "${jc[@]}")"; read -r jhm _ <<<"$(stats "${jh[@]}")"
  results+=("$n ansible $am $amin $amax $acm $(echo "scale=2; $ahm / 1000" | bc) -"
            "$n jplay $jm $jmin $jmax $jcm $(echo "scale=2; $jhm / 1000" | bc) $(echo "scale=1; $am / $jm" | bc)x")
  "$FLEET" down --prefix "$prefix" >/dev/null
done

echo
printf '%-6s %-8s %9s %7s %7s %8s %11s %7s\n' hosts tool median_s min_s max_s ctl_cpu_s hosts_cpu_s ratio
for line in "${results[@]}"; do
  read -r n tool m mn mx cc hc ratio <<<"$line"
  printf '%-6s %-8s %9s %7s %7s %8s %11s %7s\n' "$n" "$tool" "$m" "$mn" "$mx" "$cc" "$hc" "$ratio"
done
echo "(wall times in seconds; median of $runs cold runs each; ratio = Ansible median / jplay median;" \
     "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"

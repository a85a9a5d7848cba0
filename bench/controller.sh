#!/bin/bash
# Controller benchmark: the same 20-task playbook (command: /bin/true, no facts) on a fleet of real sshd
# hosts, run by ansible-playbook and by jplay apply, alternating, every run cold (no open connections).
#
#   bench/controller.sh [--hosts 10,50] [--runs 3] [--prefix jpb] [--keep DIR]
#
# Prints size, tool, median/min/max wall time and the ratio Ansible/jplay (of medians). Each run is checked:
# every host must report 20 ok tasks (Ansible's PLAY RECAP, jplay's report.json), or the script fails.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FLEET="$ROOT/test-fleet/fleet.sh"
TASKS=20
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
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) die "unknown argument '$1'" ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || die "--runs needs a positive number"
command -v ansible-playbook >/dev/null || die "ansible-playbook not found (apt-get install ansible)"

work=$(mktemp -d /tmp/jplay-bench.XXXXXX)
cleanup() {
  "$FLEET" down --prefix "$prefix" >/dev/null 2>&1 || true
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
  echo "  gather_facts: false"
  echo "  tasks:"
  for i in $(seq 1 $TASKS); do
    echo "    - name: true $i"
    echo "      command: /bin/true"
  done
} >"$work/playbook.yml"

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

# run_ansible N LOG -> prints seconds
run_ansible() {
  local n="$1" log="$2" t0 t1
  rm -rf "$ANSIBLE_SSH_CONTROL_PATH_DIR"   # cold: no ControlPersist master left from an earlier run
  mkdir -p "$ANSIBLE_SSH_CONTROL_PATH_DIR"
  t0=$(now)
  ANSIBLE_FORKS="$n" ansible-playbook -i "$work/fleet/inventory.ini" "$work/playbook.yml" >"$log" 2>&1 \
    || { tail -20 "$log" >&2; die "ansible-playbook failed at $n hosts (log $log)"; }
  t1=$(now)
  # Close the masters this run left (they would otherwise idle for ControlPersist, using a little CPU).
  for s in "$ANSIBLE_SSH_CONTROL_PATH_DIR"/*; do
    [ -S "$s" ] && ssh -o ControlPath="$s" -O exit dummy >/dev/null 2>&1 || true
  done
  local good
  good=$(grep -cE "^$prefix-[0-9]+ +: ok=$TASKS +changed=[0-9]+ +unreachable=0 +failed=0" "$log" || true)
  [ "$good" = "$n" ] || { sed -n '/PLAY RECAP/,$p' "$log" >&2; die "Ansible: $good of $n hosts did $TASKS ok tasks (log $log)"; }
  echo "$t1 - $t0" | bc
}

# run_jplay N LOG RUNDIR -> prints seconds
run_jplay() {
  local n="$1" log="$2" dir="$3" t0 t1
  t0=$(now)
  (cd "$work" && "$ROOT/jplay" apply "$work/playbook.yml" -i "$work/fleet/inventory.yml" --forks "$n" \
      --known-hosts "$work/fleet/known_hosts" --report-dir "$dir") >"$log" 2>&1 \
    || { tail -20 "$log" >&2; die "jplay apply failed at $n hosts (log $log)"; }
  t1=$(now)
  /usr/bin/python3 - "$dir/report.json" "$n" "$TASKS" <<'EOF' || die "jplay: not every host did $TASKS ok tasks (report $dir/report.json)"
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
        if r.get("ok", 0) + r.get("changed", 0) == tasks and not r.get("failed") and not r.get("unreachable")]
if len(good) != n:
    print(f"jplay recap: {len(good)} of {n} hosts did {tasks} ok tasks: {recap}", file=sys.stderr)
    sys.exit(1)
EOF
  echo "$t1 - $t0" | bc
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
  a=() j=()
  for r in $(seq 1 "$runs"); do
    a+=("$(run_ansible "$n" "$work/ansible-$n-$r.log")")
    j+=("$(run_jplay "$n" "$work/jplay-$n-$r.log" "$work/jplay-$n-$r")")
    echo "  $n hosts run $r: ansible ${a[-1]} s, jplay ${j[-1]} s" >&2
  done
  read -r am amin amax <<<"$(stats "${a[@]}")"
  read -r jm jmin jmax <<<"$(stats "${j[@]}")"
  results+=("$n ansible $am $amin $amax" "$n jplay $jm $jmin $jmax $(echo "scale=1; $am / $jm" | bc)")
  "$FLEET" down --prefix "$prefix" >/dev/null
done

echo
printf '%-6s %-8s %9s %8s %8s %8s\n' hosts tool median_s min_s max_s ratio
for line in "${results[@]}"; do
  read -r n tool m mn mx ratio <<<"$line"
  printf '%-6s %-8s %9s %8s %8s %8s\n' "$n" "$tool" "$m" "$mn" "$mx" "${ratio:+${ratio}x}"
done

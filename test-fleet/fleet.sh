#!/bin/bash
# A fleet of real SSH hosts on this machine, for tests and benchmarks.
#
# Each host is a network namespace with a veth on bridge jpbr0 and its own sshd (own host key, config, pid
# file) listening on port 22 of its own address. Each sshd runs in a private mount namespace with tmpfs on
# /root, /tmp, /var/lib/jplay and /run/jplay, so hosts share no state (and root's real ~/.bashrc is hidden).
#
#   fleet.sh up N [--prefix P] [--out DIR]   start N hosts P-1..P-N; writes client key, known_hosts, inventories
#        [--profile bare [--sudo-password PW [--password-hosts 2,4]] [--bastion-hosts 3,4] [--host-java]]
#                                            hosts like fresh cloud VMs (see bare-profile.sh): user debian with
#                                            sudo (a password on --password-hosts, default the even hosts), no
#                                            Java/runc/CNI, apt from a local repository; --bastion-hosts accept
#                                            SSH only from host 1; --host-java lends the hosts this machine's
#                                            JDK (read-only bind mount): a host with its own Java (jplay
#                                            pushes a runtime to the others)
#        [--profile systemd]                 bare hosts that boot through systemd as PID 1 (systemd-profile.sh)
#   fleet.sh down [--prefix P]               stop them and delete namespaces/veths (idempotent)
#   fleet.sh reboot [--prefix P] I           power host I of a systemd fleet off and boot it again from its disk
#   fleet.sh status                          list fleets
#   fleet.sh exec [--prefix P] I -- CMD...   run CMD inside host I (its network and mount namespaces)
#   fleet.sh pgrep [--prefix P] I PATTERN    pids of host I's processes whose command line matches PATTERN
#   fleet.sh pkill [--prefix P] I PATTERN [SIGNAL]
#
# Several fleets may run at once (distinct prefixes): each takes a /24 slot K of 10.213.0.0/16 and host I
# gets 10.213.K.(10+I), so up to 244 hosts per fleet. The default prefix "jpf" usually gets slot 0.
set -euo pipefail

readonly BRIDGE=jpbr0
readonly BRIDGE_ADDR=10.213.0.1/16
readonly NET=10.213
readonly ROOT=/run/jplay-fleet
readonly MAX_HOSTS=244

die() { echo "fleet.sh: $*" >&2; exit 1; }

prefix=jpf
out=
profile=root
sudo_password=
password_hosts=
bastion_hosts=
host_java=
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) prefix="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --profile) profile="$2"; shift 2 ;;
    --sudo-password) sudo_password="$2"; shift 2 ;;
    --password-hosts) password_hosts="$2"; shift 2 ;;
    --bastion-hosts) bastion_hosts="$2"; shift 2 ;;
    --host-java) host_java=1; shift ;;
    --) args+=("$@"); break ;;
    *) args+=("$1"); shift ;;
  esac
done
set -- "${args[@]+"${args[@]}"}"
[ $# -ge 1 ] || die "usage: fleet.sh up N [--prefix P] [--out DIR] | down [--prefix P] | status | exec|pgrep|pkill ..."
cmd="$1"; shift
[[ "$prefix" =~ ^[a-z][a-z0-9]{0,7}$ ]] || die "prefix '$prefix' must be 1-8 lowercase letters/digits, starting with a letter"
state="$ROOT/$prefix"
[ "$profile" = root ] || [ "$profile" = bare ] || [ "$profile" = systemd ] || die "unknown profile '$profile' (root, bare or systemd)"
# shellcheck source=bare-profile.sh
. "$(dirname "$0")/bare-profile.sh"
# shellcheck source=systemd-profile.sh
. "$(dirname "$0")/systemd-profile.sh"

with_lock() { mkdir -p "$ROOT"; exec 9>"$ROOT/.lock"; flock 9; }

host_dir() { echo "$state/h$1"; }
host_pid() {
  local f; f="$(host_dir "$1")/sshd.pid"
  [ -s "$f" ] || die "host $prefix-$1 is not running (no $f)"
  cat "$f"
}

# Lowest slot not taken by another fleet; called under the lock.
allocate_slot() {
  local k used
  used=" $(cat "$ROOT"/*/slot 2>/dev/null | tr '\n' ' ') "
  for k in $(seq 0 254); do
    [[ "$used" == *" $k "* ]] || { echo "$k"; return; }
  done
  die "no free /24 slot left in $NET.0.0/16"
}

ensure_bridge() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$BRIDGE_ADDR" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up
  # With br_netfilter, bridged frames traverse FORWARD; Docker's DROP policy would cut host<->host traffic.
  if command -v iptables >/dev/null; then
    iptables -C FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null \
      || iptables -I FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT
  fi
}

write_sshd_config() { # dir addr
  cat >"$1/sshd_config" <<EOF
Port 22
ListenAddress $2
HostKey $1/ssh_host_ed25519_key
PidFile $1/sshd.pid
AuthorizedKeysFile /root/.ssh/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes yes
UseDNS no
MaxStartups 500:30:1000
MaxSessions 200
AllowAgentForwarding no
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
PrintLastLog no
LogLevel ERROR
Subsystem sftp internal-sftp
EOF
}

# The host's network: namespace NS with eth0 at ADDR, its peer VETH on the fleet bridge. Used by both profiles.
host_link() { # ns addr veth
  ip netns add "$1"
  ip link add "$3" type veth peer name eth0 netns "$1"
  ip link set "$3" master "$BRIDGE" up
  # A neighbour entry left by an earlier host with this address (another MAC) would black-hole the first connects.
  ip neigh flush dev "$BRIDGE" to "$2" 2>/dev/null || true
  ip -n "$1" addr add "$2/16" dev eth0
  ip -n "$1" link set lo up
  ip -n "$1" link set eth0 up
}

host_up() { # i slot
  local i="$1" ns="$prefix-$1" addr="$NET.$2.$((10 + $1))" veth="jpv$2x$1" dir
  dir="$(host_dir "$i")"
  mkdir -p "$dir"
  ssh-keygen -q -t ed25519 -N '' -C "$ns" -f "$dir/ssh_host_ed25519_key"
  write_sshd_config "$dir" "$addr"
  echo "$addr" >"$dir/address"
  host_link "$ns" "$addr" "$veth"
  # nsenter, not `ip netns exec`: the latter remounts /sys, losing the cgroup mounts runc needs in the host.
  # The new mount namespace starts as a copy of this machine's: drop the copies of whatever is mounted below
  # the host-private directories (a container rootfs of the machine's own jplay, say), so that a host shows
  # only its own mounts.
  setsid nsenter --net="/run/netns/$ns" unshare --mount --propagation private sh -c "
    set -e
    awk '{print \$5}' /proc/self/mountinfo | grep -E '^/(root|tmp|var/lib/jplay|run/jplay)/' | sort -r \\
      | while read -r m; do umount -l \"\$m\" 2>/dev/null || true; done
    mount -t tmpfs -o mode=0700 jplay-root /root
    mount -t tmpfs -o mode=1777 jplay-tmp /tmp
    mount -t tmpfs -o mode=0755 jplay-lib /var/lib/jplay
    mount -t tmpfs -o mode=0755 jplay-run /run/jplay
    mkdir -m 0700 /root/.ssh
    cp '$state/client_key.pub' /root/.ssh/authorized_keys
    chmod 0600 /root/.ssh/authorized_keys
    exec /usr/sbin/sshd -D -f '$dir/sshd_config' -E '$dir/sshd.log'
  " </dev/null >"$dir/start.log" 2>&1 &
  # sshd writes its pid file once it listens.
  local n
  for n in $(seq 1 200); do
    [ -s "$dir/sshd.pid" ] && return 0
    sleep 0.025
  done
  die "sshd of $ns did not start: $(cat "$dir/start.log" "$dir/sshd.log" 2>/dev/null | tail -5)"
}

write_outputs() { # n slot
  local n="$1" i dir
  mkdir -p "$out"
  [ "$out" = "$state" ] || cp "$state/client_key" "$state/client_key.pub" "$out/"
  chmod 0600 "$out/client_key"
  : >"$out/known_hosts"
  {
    echo "[fleet]"
    for i in $(seq 1 "$n"); do echo "$prefix-$i ansible_host=$(cat "$(host_dir "$i")/address")"; done
    echo
    echo "[fleet:vars]"
    echo "ansible_user=root"
    echo "ansible_ssh_private_key_file=$out/client_key"
    echo "ansible_ssh_common_args='-o UserKnownHostsFile=$out/known_hosts -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes'"
    echo "ansible_python_interpreter=/usr/bin/python3"
  } >"$out/inventory.ini"
  {
    echo "all:"
    echo "  vars:"
    echo "    ansible_user: root"
    echo "    ansible_ssh_private_key_file: $out/client_key"
    echo "    jplay_known_hosts: $out/known_hosts"
    echo "  children:"
    echo "    fleet:"
    echo "      hosts:"
    for i in $(seq 1 "$n"); do
      echo "        $prefix-$i:"
      echo "          ansible_host: $(cat "$(host_dir "$i")/address")"
    done
  } >"$out/inventory.yml"
  for i in $(seq 1 "$n"); do
    dir="$(host_dir "$i")"
    echo "$(cat "$dir/address") $(cut -d' ' -f1-2 "$dir/ssh_host_ed25519_key.pub")" >>"$out/known_hosts"
  done
  echo "$out" >"$state/out"
}

cmd_up() {
  [ $# -eq 1 ] && [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le $MAX_HOSTS ] \
    || die "up needs a host count 1..$MAX_HOSTS"
  local n="$1" slot i failed=0
  if [ "$profile" = bare ]; then
    if [ -n "$sudo_password" ] && [ -z "$password_hosts" ]; then
      password_hosts="$(seq 2 2 "$n" | paste -sd, -)"
    fi
    # Built once per machine, outside the lock: the first build takes a minute.
    bare_rootfs
    bare_repo
  fi
  if [ "$profile" = systemd ]; then
    sd_rootfs
    # The bare profile's repository cache too: tests of systemd hosts (PlaybookFidelityIT) take python3-apt from it.
    bare_rootfs
    bare_repo
  fi
  with_lock
  [ ! -e "$state" ] || die "fleet '$prefix' already exists ($state): run 'fleet.sh down --prefix $prefix' first"
  slot="$(allocate_slot)"
  mkdir -p "$state" /run/sshd /var/lib/jplay /run/jplay
  echo "$slot" >"$state/slot"
  echo "$n" >"$state/count"
  echo "$profile" >"$state/profile"
  ensure_bridge
  [ "$profile" != bare ] || bare_serve_repo
  flock -u 9
  [ -n "$out" ] || out="$state"
  ssh-keygen -q -t ed25519 -N '' -C "jplay-fleet-$prefix" -f "$state/client_key"
  local pids=()
  for i in $(seq 1 "$n"); do
    case "$profile" in bare) bare_host_up "$i" "$slot" & ;; systemd) sd_host_up "$i" "$slot" & ;; *) host_up "$i" "$slot" & ;; esac
    pids+=($!)
  done
  for i in "${pids[@]}"; do wait "$i" || failed=1; done
  [ "$failed" = 0 ] || { cmd_down; die "bring-up of fleet '$prefix' failed (torn down)"; }
  if [ "$profile" != root ]; then bare_outputs "$n" "$slot"; else write_outputs "$n" "$slot"; fi
  wait_reachable "$n" || { cmd_down; die "fleet '$prefix' came up but its hosts do not answer on port 22 (torn down)"; }
  echo "fleet $prefix: $n hosts $NET.$slot.11-$NET.$slot.$((10 + n)); files in $out"
}

# Every host's sshd must accept a TCP connection from here before the fleet is handed out: a test that
# starts right away must not race the bridge and the veths settling.
wait_reachable() { # n
  local i addr t
  local via
  for i in $(seq 1 "$1"); do
    addr="$(cat "$(host_dir "$i")/address")"
    # A host behind the bastion is checked from the bastion's network namespace.
    via=()
    [ -n "$bastion_hosts" ] && in_list "$i" "$bastion_hosts" && via=(nsenter --net="/run/netns/$prefix-1")
    for t in $(seq 1 100); do
      if "${via[@]}" timeout 1 bash -c "exec 3<>/dev/tcp/$addr/22" 2>/dev/null; then break; fi
      [ "$t" -lt 100 ] || { echo "fleet.sh: $addr:22 unreachable; bridge: $(ip -br link show "$BRIDGE" 2>&1)" >&2; return 1; }
      sleep 0.1
    done
  done
}

cmd_down() {
  [ -d "$state" ] || { remove_bridge_if_unused; return 0; }
  local d ns pids
  for d in "$state"/h*; do
    [ -d "$d" ] || continue
    ns="$prefix-${d##*/h}"
    if [ "$(cat "$state/profile" 2>/dev/null)" = systemd ]; then
      sd_power_off "${d##*/h}" # its PID namespace takes the containers with it
    elif [ -e "/run/netns/$ns" ]; then
      # Containers left running inside the host (their processes are in namespaces of their own, so killing the
      # host's processes would orphan them): stop their supervisors, then delete them with runc while the host's
      # sshd still holds the mount namespace where runc keeps their state.
      delete_containers "${d##*/h}"
      # Every process in the host: its sshd, sessions and agents.
      pids="$(ip netns pids "$ns" 2>/dev/null || true)"
      [ -z "$pids" ] || kill -9 $pids 2>/dev/null || true
      ip netns del "$ns" 2>/dev/null || true
    fi
    ip link del "jpv$(cat "$state/slot" 2>/dev/null)x${d##*/h}" 2>/dev/null || true
  done
  rm -rf "$state"
  remove_bridge_if_unused
}

delete_containers() { # i
  local sshd sup
  sshd="$(cat "$(host_dir "$1")/sshd.pid" 2>/dev/null || true)"
  [ -n "$sshd" ] && kill -0 "$sshd" 2>/dev/null || return 0
  sup="$(host_pgrep "$1" 'supervise[.]sh' | tr '\n' ' ')"
  [ -z "${sup// /}" ] || kill -9 $sup 2>/dev/null || true
  nsenter -t "$sshd" -n -m -- sh -c '
    for r in /root/.jplay/state/runc /run/runc /run/jplay/runc /var/lib/jplay/runc; do
      [ -d "$r" ] || continue
      for c in $(runc --root "$r" list -q 2>/dev/null); do runc --root "$r" delete -f "$c" >/dev/null 2>&1; done
    done' 2>/dev/null || true
}

remove_bridge_if_unused() {
  with_lock
  if ! ls -d "$ROOT"/*/ >/dev/null 2>&1 && ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link del "$BRIDGE" 2>/dev/null || true
    bare_stop_repo
    iptables -D FORWARD -i "$BRIDGE" -o "$BRIDGE" -j ACCEPT 2>/dev/null || true
  fi
}

cmd_status() {
  local d p n live i
  for d in "$ROOT"/*/; do
    [ -d "$d" ] || continue
    p="$(basename "$d")"; n="$(cat "$d/count" 2>/dev/null || echo 0)"; live=0
    for i in $(seq 1 "$n"); do
      [ -s "$d/h$i/sshd.pid" ] && kill -0 "$(cat "$d/h$i/sshd.pid")" 2>/dev/null && live=$((live + 1))
    done
    echo "$p slot=$(cat "$d/slot" 2>/dev/null) hosts=$n sshd_alive=$live out=$(cat "$d/out" 2>/dev/null)"
  done
}

host_pgrep() { # i pattern
  local pid all
  all=" $(ip netns pids "$prefix-$1" | tr '\n' ' ') "
  for pid in $(pgrep -f -- "$2" || true); do
    [[ "$all" == *" $pid "* ]] && echo "$pid"
  done
  return 0
}

case "$cmd" in
  up) cmd_up "$@" ;;
  down) cmd_down ;;
  status) cmd_status ;;
  exec)
    [ $# -ge 2 ] || die "usage: fleet.sh exec [--prefix P] I -- CMD..."
    i="$1"; shift; [ "${1:-}" != "--" ] || shift
    # A bare host has its own PID and UTS namespaces too.
    case "$(cat "$state/profile" 2>/dev/null)" in
      bare) exec nsenter -t "$(host_pid "$i")" -n -m -p -u -- "$@" ;;
      systemd) exec nsenter -t "$(host_pid "$i")" -n -m -p -u -C -- "$@" ;;
    esac
    exec nsenter -t "$(host_pid "$i")" -n -m -- "$@" ;;
  reboot) cmd_reboot "$@" ;;
  pgrep) [ $# -eq 2 ] || die "usage: fleet.sh pgrep [--prefix P] I PATTERN"; host_pgrep "$1" "$2" ;;
  pkill)
    [ $# -ge 2 ] || die "usage: fleet.sh pkill [--prefix P] I PATTERN [SIGNAL]"
    victims="$(host_pgrep "$1" "$2")"
    [ -n "$victims" ] || exit 1
    kill -"${3:-TERM}" $victims ;;
  *) die "unknown command '$cmd'" ;;
esac

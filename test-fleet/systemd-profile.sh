# Sourced by fleet.sh: the "systemd" host profile, bare hosts (see bare-profile.sh) that boot through a real systemd as
# their PID 1, so they can be rebooted (`fleet.sh reboot I`): what jplay installs as systemd units runs at their boot.
#
# Like a bare host: its own root filesystem (a separate mmdebstrap tree that also holds systemd, dbus, runc, the CNI
# plugins, iptables and nftables, so no apt repository is needed), user `debian` with NOPASSWD sudo, no Java (jplay
# pushes its runtime), /var/lib/jplay on this machine's disk. Unlike one: sshd is ssh.service, started by systemd, and
# the host has a cgroup namespace of its own rooted at /sys/fs/cgroup/<controller>/jplay-fleet/<host>, with its own
# tmpfs at /sys/fs/cgroup holding those hierarchies.
#
# What did not work, and why this shape (measured 2026-12-07, systemd 252, this machine's hybrid cgroups):
# - systemd with an rbind of this machine's whole /sys/fs/cgroup (as bare hosts have it): it boots ("running", no failed
#   unit), but it takes the machine's root cgroups as its own (init.scope, system.slice appear at the top of
#   /sys/fs/cgroup/systemd), mounts v1 hierarchies for the controllers this machine leaves on v2 (hugetlb, net_cls,
#   perf_event) inside the *shared* tmpfs, and remounts that tmpfs read-only for the whole machine. Never do that.
# - moving the booting shell into a cpuset cgroup fails with "No space left on device" until cpuset.cpus and
#   cpuset.mems of the new cgroups are filled in from their parent.
# Worked: a child cgroup per host in every hierarchy, `unshare --cgroup` after moving into it, a fresh tmpfs at the
# host's /sys/fs/cgroup with the machine's hierarchies mounted inside the cgroup namespace (so each shows the host's
# own subtree), that tmpfs remounted read-only (systemd then mounts nothing more), `container=jplay-fleet` in the
# environment. systemd 252 boots to "running" in ~1-2 s with no failed unit; dbus only warns that it cannot raise its
# fd limit. A reboot: SIGKILL to the host's PID 1 (the kernel kills every process of its PID namespace, the
# containers' included), its network namespace deleted and made again (no bridge, veth or rule survives), its cgroups
# removed, then the same boot: only its disk (overlay upper layer, /var/lib/jplay) survives, as on a real machine.

readonly SD_ROOTFS=$BARE_CACHE/bookworm-systemd
readonly SD_CONTROLLERS="blkio cpu cpuacct cpuset devices freezer memory pids"

sd_rootfs() {
  [ -f "$SD_ROOTFS/.complete" ] && return 0
  command -v mmdebstrap >/dev/null || die "the systemd profile needs mmdebstrap (apt-get install mmdebstrap)"
  mkdir -p "$BARE_CACHE"
  local tmp="$SD_ROOTFS.tmp.$$"
  rm -rf "$SD_ROOTFS".tmp.*
  echo "fleet.sh: building the systemd rootfs (mmdebstrap, once)..." >&2
  mmdebstrap --quiet --variant=minbase \
    --include=systemd,systemd-sysv,dbus,openssh-server,sudo,iproute2,ca-certificates,procps,python3,runc,containernetworking-plugins,iptables,nftables,attr \
    bookworm "$tmp" "$(bare_mirror)" >&2 || { rm -rf "$tmp"; die "mmdebstrap failed"; }
  rm -f "$tmp"/etc/ssh/ssh_host_*
  chroot "$tmp" useradd --uid "$BARE_UID" --create-home --shell /bin/bash "$BARE_USER"
  chroot "$tmp" usermod -p '*' "$BARE_USER"
  rm -f "$tmp"/etc/apt/sources.list "$tmp"/etc/apt/sources.list.d/*
  touch "$tmp/.complete"
  rm -rf "$SD_ROOTFS"
  mv "$tmp" "$SD_ROOTFS"
}

sd_cgroup() { echo "jplay-fleet/$prefix-$1"; } # i: the host's cgroup, below each hierarchy's root

# The host's cgroup in every hierarchy (cpuset's filled in from its parent, or nothing can join it).
sd_make_cgroups() { # i
  local cg c p
  cg="$(sd_cgroup "$1")"
  mkdir -p "/sys/fs/cgroup/unified/$cg" "/sys/fs/cgroup/systemd/$cg"
  for c in $SD_CONTROLLERS; do mkdir -p "/sys/fs/cgroup/$c/$cg"; done
  for p in jplay-fleet "$cg"; do
    cat "/sys/fs/cgroup/cpuset/$(dirname "$p")/cpuset.cpus" >"/sys/fs/cgroup/cpuset/$p/cpuset.cpus"
    cat "/sys/fs/cgroup/cpuset/$(dirname "$p")/cpuset.mems" >"/sys/fs/cgroup/cpuset/$p/cpuset.mems"
  done
}

# Removes the host's cgroups once nothing runs in them (after its PID 1 is gone), deepest first.
sd_remove_cgroups() { # i
  local cg c t
  cg="$(sd_cgroup "$1")"
  for c in unified systemd $SD_CONTROLLERS; do
    [ -d "/sys/fs/cgroup/$c/$cg" ] || continue
    for t in $(seq 1 100); do
      find "/sys/fs/cgroup/$c/$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
      [ -d "/sys/fs/cgroup/$c/$cg" ] || break
      sleep 0.05
    done
    [ ! -d "/sys/fs/cgroup/$c/$cg" ] || echo "fleet.sh: cgroup $c/$cg still busy" >&2
  done
}

sd_host_up() { # i slot
  local i="$1" ns="$prefix-$1" addr="$NET.$2.$((10 + $1))" veth="jpv$2x$1" dir cg
  dir="$(host_dir "$i")"
  mkdir -p "$dir"
  echo "$addr" >"$dir/address"
  bare_host_files "$i" "$addr" "$dir"
  sd_boot "$i" "$2"
}

# Boots host i from its disk: network namespace and link, cgroups, mounts, systemd. Also what a reboot runs again.
sd_boot() { # i slot
  local i="$1" ns="$prefix-$1" addr="$NET.$2.$((10 + $1))" veth="jpv$2x$1" dir cg r
  dir="$(host_dir "$i")"
  r="$dir/root"
  cg="$(sd_cgroup "$i")"
  host_link "$ns" "$addr" "$veth"
  sd_make_cgroups "$i"
  cat >"$dir/boot.sh" <<EOF
set -e
r=$r
mount --make-rprivate /
mount -t overlay jplay-sd -o lowerdir=$SD_ROOTFS,upperdir=$dir/upper,workdir=$dir/work \$r
mount -t proc proc \$r/proc
mount -t sysfs -o ro sysfs \$r/sys
mount -t tmpfs -o mode=0755 jplay-cgroup \$r/sys/fs/cgroup
for c in $SD_CONTROLLERS; do mkdir \$r/sys/fs/cgroup/\$c; mount -t cgroup -o \$c cgroup \$r/sys/fs/cgroup/\$c; done
mkdir \$r/sys/fs/cgroup/systemd \$r/sys/fs/cgroup/unified
mount -t cgroup -o none,name=systemd cgroup \$r/sys/fs/cgroup/systemd
mount -t cgroup2 cgroup2 \$r/sys/fs/cgroup/unified
mount -o remount,ro \$r/sys/fs/cgroup
mount -t tmpfs -o mode=0755,nosuid jplay-dev \$r/dev
for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
  f=\${n%%:*}; mm=\${n#*:}; mknod -m 0666 \$r/dev/\$f c \${mm%:*} \${mm#*:}
done
mkdir -p \$r/dev/pts \$r/dev/shm
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts \$r/dev/pts
ln -s pts/ptmx \$r/dev/ptmx
mount -t tmpfs -o mode=1777 shm \$r/dev/shm
ln -s /proc/self/fd \$r/dev/fd
mount -t tmpfs -o mode=0755 jplay-run \$r/run
mount -t tmpfs -o mode=1777 jplay-tmp \$r/tmp
mkdir -p \$r/var/lib/jplay
mount --bind $dir/varlib \$r/var/lib/jplay
hostname $ns
echo $ns >\$r/etc/hostname
cd \$r
mkdir -p .oldroot
pivot_root . .oldroot
umount -l /.oldroot
rmdir /.oldroot
exec env -i container=jplay-fleet /lib/systemd/systemd
EOF
  setsid bash -c "
    echo \$\$ >/sys/fs/cgroup/unified/$cg/cgroup.procs
    for c in systemd $SD_CONTROLLERS; do echo \$\$ >/sys/fs/cgroup/\$c/$cg/cgroup.procs; done
    exec nsenter --net=/run/netns/$ns unshare --mount --pid --uts --cgroup --fork sh $dir/boot.sh
  " </dev/null >>"$dir/start.log" 2>&1 &
  # The outer pid of the host's systemd (PID 1 of its PID namespace), kept as sshd.pid: fleet.sh exec, down and
  # reboot use it. Up once ssh.service's sshd has written its pid file.
  local n p
  for n in $(seq 1 600); do
    for p in $(ip netns pids "$ns" 2>/dev/null); do
      if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = systemd ] && grep -qE '^NSpid:.*[[:space:]]1$' "/proc/$p/status" 2>/dev/null; then
        if nsenter -t "$p" -m test -s /run/sshd.pid 2>/dev/null; then
          echo "$p" >"$dir/sshd.pid"
          return 0
        fi
      fi
    done
    sleep 0.05
  done
  die "systemd host $ns did not boot to sshd: $(tail -5 "$dir/start.log" 2>/dev/null)"
}

# Power off host i: every process of its PID namespace killed, its network namespace and cgroups gone.
sd_power_off() { # i
  local i="$1" ns="$prefix-$1" dir pid t
  dir="$(host_dir "$i")"
  pid="$(cat "$dir/sshd.pid" 2>/dev/null || true)"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -9 "$pid"
    for t in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  fi
  # Processes that entered the host from outside (fleet.sh exec) are not in its PID namespace.
  local rest
  rest="$(ip netns pids "$ns" 2>/dev/null || true)"
  [ -z "$rest" ] || kill -9 $rest 2>/dev/null || true
  rm -f "$dir/sshd.pid"
  ip netns del "$ns" 2>/dev/null || true
  ip link del "jpv$(cat "$state/slot")x$i" 2>/dev/null || true
  sd_remove_cgroups "$i"
}

cmd_reboot() { # i
  [ "$(cat "$state/profile" 2>/dev/null)" = systemd ] || die "reboot needs a fleet of the systemd profile"
  [ $# -eq 1 ] && [ -d "$(host_dir "$1")" ] || die "usage: fleet.sh reboot [--prefix P] I"
  sd_power_off "$1"
  sd_boot "$1" "$(cat "$state/slot")"
  local addr t
  addr="$(cat "$(host_dir "$1")/address")"
  for t in $(seq 1 100); do
    timeout 1 bash -c "exec 3<>/dev/tcp/$addr/22" 2>/dev/null && return 0
    sleep 0.1
  done
  die "host $prefix-$1 rebooted but does not answer on $addr:22"
}

# Sourced by fleet.sh: the "bare" host profile, hosts that look like fresh cloud VMs.
#
# Each bare host has its own root filesystem (a minimal Debian made once with mmdebstrap from the mirror this
# machine's apt uses, shared read-only as the lower layer of a per-host overlay), its own mount, PID, UTS and
# network namespaces, sshd as PID 1 with root login off, a user `debian` with sudo (NOPASSWD, or a password on
# the hosts named by --password-hosts), python3 as cloud images have it, and no Java, runc or CNI plugins.
# apt works inside, from a small local repository served on the fleet bridge (never from outside this
# machine); hosts have no default route. --bastion-hosts makes those hosts accept SSH only from host 1.
#
# Why each step (see ../shared/ENVIRONMENT.md): `nsenter --net` + `unshare --mount --pid --uts --fork`, not
# `ip netns exec` (it remounts /sys and leaves /sys/fs/cgroup empty, and runc needs the cgroup mounts);
# pivot_root, not chroot (runc needs / to be a mount root); /var/lib/jplay bind-mounted from this machine's
# disk (overlayfs refuses an upperdir on the host's own overlay root).

readonly BARE_CACHE=/var/cache/jplay-fleet
readonly BARE_ROOTFS=$BARE_CACHE/bookworm-bare
readonly BARE_REPO=$BARE_CACHE/apt-repo
readonly BARE_APT_PORT=3142
readonly BARE_USER=debian
readonly BARE_UID=1000
# What the hosts can install from the local repository: what jplay's host preparation and the Ansible
# reference need on top of the bare rootfs (with every dependency the rootfs lacks).
readonly BARE_REPO_PACKAGES="runc containernetworking-plugins nftables iptables attr python3-apt"

# The mirror this machine's apt uses (deb822 or one-line sources), read at run time.
bare_mirror() {
  local m
  m="$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | tr ' ' '\n' \
        | grep -v security | head -n 1)"
  [ -n "$m" ] || m="$(grep -hE '^deb[[:space:]]' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
        | grep -v security | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' | head -n 1)"
  [ -n "$m" ] || die "no Debian mirror found in /etc/apt/sources.list*"
  echo "$m"
}

# The shared root filesystem, built once (under a minute cold) into a temp dir renamed into place.
bare_rootfs() {
  [ -f "$BARE_ROOTFS/.complete" ] && return 0
  command -v mmdebstrap >/dev/null || die "the bare profile needs mmdebstrap (apt-get install mmdebstrap)"
  mkdir -p "$BARE_CACHE"
  local tmp="$BARE_ROOTFS.tmp.$$"
  rm -rf "$BARE_ROOTFS".tmp.*
  echo "fleet.sh: building the bare rootfs (mmdebstrap, once)..." >&2
  mmdebstrap --quiet --variant=minbase \
    --include=openssh-server,sudo,iproute2,ca-certificates,procps,python3 \
    bookworm "$tmp" "$(bare_mirror)" >&2 || { rm -rf "$tmp"; die "mmdebstrap failed"; }
  rm -f "$tmp"/etc/ssh/ssh_host_*
  chroot "$tmp" useradd --uid "$BARE_UID" --create-home --shell /bin/bash "$BARE_USER"
  # No password: with sshd's UsePAM off, '!' would read as a locked account and refuse even key logins.
  chroot "$tmp" usermod -p '*' "$BARE_USER"
  rm -f "$tmp"/etc/apt/sources.list "$tmp"/etc/apt/sources.list.d/*
  echo "deb [trusted=yes] http://${BRIDGE_ADDR%/*}:$BARE_APT_PORT/ ./" >"$tmp/etc/apt/sources.list"
  touch "$tmp/.complete"
  rm -rf "$BARE_ROOTFS"
  mv "$tmp" "$BARE_ROOTFS"
}

# The local apt repository: exactly the .debs the rootfs lacks for BARE_REPO_PACKAGES, indexed.
bare_repo() {
  [ -f "$BARE_REPO/.complete" ] && return 0
  command -v dpkg-scanpackages >/dev/null || die "the bare profile needs dpkg-dev (apt-get install dpkg-dev)"
  local tmp="$BARE_REPO.tmp.$$"
  rm -rf "$BARE_REPO".tmp.*
  mkdir -p "$tmp/partial"
  # shellcheck disable=SC2086
  apt-get install -y -qq --download-only -o Dir::State::status="$BARE_ROOTFS/var/lib/dpkg/status" \
    -o Dir::Cache::archives="$tmp" $BARE_REPO_PACKAGES >&2 || { rm -rf "$tmp"; die "downloading the repository failed"; }
  rm -rf "$tmp/partial" "$tmp/lock"
  (cd "$tmp" && dpkg-scanpackages --multiversion . 2>/dev/null >Packages && gzip -k Packages)
  touch "$tmp/.complete"
  rm -rf "$BARE_REPO"
  mv "$tmp" "$BARE_REPO"
}

# One HTTP server for the repository on the bridge, shared by every bare fleet; stopped with the bridge.
bare_serve_repo() {
  local pidf="$ROOT/apt-http.pid"
  if [ -s "$pidf" ] && kill -0 "$(cat "$pidf")" 2>/dev/null; then return 0; fi
  setsid python3 -m http.server --bind "${BRIDGE_ADDR%/*}" --directory "$BARE_REPO" "$BARE_APT_PORT" \
    </dev/null >"$ROOT/apt-http.log" 2>&1 &
  echo $! >"$pidf"
  local t
  for t in $(seq 1 100); do
    timeout 1 bash -c "exec 3<>/dev/tcp/${BRIDGE_ADDR%/*}/$BARE_APT_PORT" 2>/dev/null && return 0
    sleep 0.05
  done
  die "the repository server did not start: $(tail -3 "$ROOT/apt-http.log")"
}

bare_stop_repo() {
  local pidf="$ROOT/apt-http.pid"
  [ -s "$pidf" ] && kill "$(cat "$pidf")" 2>/dev/null || true
  rm -f "$pidf"
}

# --host-java: this machine's JDK (and the /etc files its conf/ links to), bind-mounted read-only into the hosts, with
# /usr/bin/java pointing at it: a host with a Java of its own. Without it a bare host has none, and jplay pushes its
# runtime into the login user's ~/.jplay/runtime.
bare_java_home() {
  local j
  j="$(readlink -f "$(command -v java)")" || die "--host-java: this machine has no java"
  dirname "$(dirname "$j")"
}

bare_java_mounts() { # root-dir: mount commands for the host's start script
  [ -n "$host_java" ] || return 0
  local jh d
  jh="$(bare_java_home)"
  for d in "$jh" $(find "$jh" -type l -lname '/etc/*' -printf '%l\n' | cut -d/ -f1-3 | sort -u); do
    echo "mkdir -p $1$d; mount --bind $d $1$d; mount -o remount,bind,ro $1$d"
  done
}

in_list() { # item comma-list
  [[ ",$2," == *",$1,"* ]]
}

# Writes host i's own files into its overlay's upper layer before boot: host keys, sshd settings, sudo rule,
# the client's key for `debian`, and a password on the hosts that need one.
bare_host_files() { # i addr dir
  local i="$1" addr="$2" dir="$3" up="$3/upper"
  mkdir -p "$up/etc/ssh/sshd_config.d" "$up/etc/sudoers.d" "$up/home/$BARE_USER/.ssh" "$dir/work" "$dir/root" \
           "$dir/varlib" "$up/var/log"
  ssh-keygen -q -t ed25519 -N '' -C "$prefix-$i" -f "$up/etc/ssh/ssh_host_ed25519_key"
  cp "$up/etc/ssh/ssh_host_ed25519_key.pub" "$dir/ssh_host_ed25519_key.pub"
  local forwarding=no
  [ "$i" = 1 ] && [ -n "$bastion_hosts" ] && forwarding=yes
  cat >"$up/etc/ssh/sshd_config.d/00-fleet.conf" <<EOF
ListenAddress $addr
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin no
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
UseDNS no
MaxStartups 500:30:1000
MaxSessions 200
AllowTcpForwarding $forwarding
X11Forwarding no
PrintMotd no
LogLevel ERROR
EOF
  if [ -n "$sudo_password" ] && in_list "$i" "$password_hosts"; then
    echo "$BARE_USER ALL=(ALL:ALL) ALL" >"$up/etc/sudoers.d/$BARE_USER"
    local hash
    hash="$(printf '%s' "$sudo_password" | openssl passwd -6 -stdin)"
    mkdir -p "$up/etc"
    awk -F: -v OFS=: -v u="$BARE_USER" -v h="$hash" '$1 == u {$2 = h} {print}' "$BARE_ROOTFS/etc/shadow" >"$up/etc/shadow"
    chmod 0640 "$up/etc/shadow"
    chown root:shadow "$up/etc/shadow" 2>/dev/null || true
    echo password >"$dir/sudo"
  else
    echo "$BARE_USER ALL=(ALL:ALL) NOPASSWD:ALL" >"$up/etc/sudoers.d/$BARE_USER"
    echo nopasswd >"$dir/sudo"
  fi
  chmod 0440 "$up/etc/sudoers.d/$BARE_USER"
  printf '127.0.0.1\tlocalhost\n127.0.1.1\t%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$prefix-$i" >"$up/etc/hosts"
  cp "$state/client_key.pub" "$up/home/$BARE_USER/.ssh/authorized_keys"
  chmod 0700 "$up/home/$BARE_USER/.ssh"; chmod 0600 "$up/home/$BARE_USER/.ssh/authorized_keys"
  chown -R "$BARE_UID:$BARE_UID" "$up/home/$BARE_USER"
  if [ -n "$host_java" ]; then
    mkdir -p "$up/usr/bin"
    ln -sf "$(bare_java_home)/bin/java" "$up/usr/bin/java"
  fi
  # apt keeps lists and archives on the host's own layer: a fresh VM has no package lists.
}

bare_host_up() { # i slot
  local i="$1" ns="$prefix-$1" addr="$NET.$2.$((10 + $1))" veth="jpv$2x$1" dir
  dir="$(host_dir "$i")"
  mkdir -p "$dir"
  echo "$addr" >"$dir/address"
  bare_host_files "$i" "$addr" "$dir"
  host_link "$ns" "$addr" "$veth"
  if [ -n "$bastion_hosts" ] && in_list "$i" "$bastion_hosts"; then
    # Behind the bastion: SSH only from host 1 (the bastion), as a private subnet's security group would.
    ip netns exec "$ns" nft -f - <<EOF
table inet fleet_bastion {
  chain input {
    type filter hook input priority 0; policy accept;
    tcp dport 22 ip saddr != $NET.$2.11 drop
  }
}
EOF
  fi
  local r="$dir/root"
  setsid nsenter --net="/run/netns/$ns" unshare --mount --pid --uts --fork sh -c "
    set -e
    mount --make-rprivate /
    mount -t overlay jplay-bare -o lowerdir=$BARE_ROOTFS,upperdir=$dir/upper,workdir=$dir/work $r
    mount -t proc proc $r/proc
    mount -t sysfs sysfs $r/sys
    mount --rbind /sys/fs/cgroup $r/sys/fs/cgroup
    mount -t tmpfs -o mode=0755,nosuid jplay-dev $r/dev
    for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
      f=\${n%%:*}; mm=\${n#*:}; mknod -m 0666 $r/dev/\$f c \${mm%:*} \${mm#*:}
    done
    mkdir -p $r/dev/pts $r/dev/shm
    mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts $r/dev/pts
    ln -s pts/ptmx $r/dev/ptmx
    mount -t tmpfs -o mode=1777 shm $r/dev/shm
    ln -s /proc/self/fd $r/dev/fd
    mount -t tmpfs -o mode=0755 jplay-run $r/run
    mkdir -p $r/run/sshd $r/var/lib/jplay
    mount -t tmpfs -o mode=1777 jplay-tmp $r/tmp
    mount --bind $dir/varlib $r/var/lib/jplay
    $(bare_java_mounts "$r")
    hostname $ns
    echo $ns >$r/etc/hostname
    cd $r
    mkdir -p .oldroot
    pivot_root . .oldroot
    umount -l /.oldroot
    rmdir /.oldroot
    exec /usr/sbin/sshd -D -E /var/log/sshd.log
  " </dev/null >"$dir/start.log" 2>&1 &
  # The outer pid of the host's sshd (PID 1 of its PID namespace): fleet.sh exec and down use it.
  local n p
  for n in $(seq 1 400); do
    for p in $(ip netns pids "$ns" 2>/dev/null); do
      if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sshd ] && grep -qE '^NSpid:.*[[:space:]]1$' "/proc/$p/status" 2>/dev/null; then
        # sshd listens once it has written its own pid file inside the host.
        if nsenter -t "$p" -m test -s /run/sshd.pid 2>/dev/null; then
          echo "$p" >"$dir/sshd.pid"
          return 0
        fi
      fi
    done
    sleep 0.025
  done
  die "sshd of bare host $ns did not start: $(cat "$dir/start.log" 2>/dev/null | tail -5)"
}

# ssh options for a host behind the bastion: host keys checked on both hops, the fleet's key on both.
bare_proxy_args() { # bastion-address
  local o="-o UserKnownHostsFile=$out/known_hosts -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes"
  echo "$o -o ProxyCommand=\"ssh -W %h:%p -i $out/client_key $o $BARE_USER@$1\""
}

bare_outputs() { # n slot
  local n="$1" i dir addr bastion
  mkdir -p "$out"
  [ "$out" = "$state" ] || cp "$state/client_key" "$state/client_key.pub" "$out/"
  chmod 0600 "$out/client_key"
  : >"$out/known_hosts"
  bastion="$NET.$2.11"
  {
    echo "all:"
    echo "  vars:"
    echo "    ansible_user: $BARE_USER"
    echo "    ansible_ssh_private_key_file: $out/client_key"
    echo "    jplay_known_hosts: $out/known_hosts"
    echo "  children:"
    echo "    fleet:"
    echo "      hosts:"
    for i in $(seq 1 "$n"); do
      dir="$(host_dir "$i")"
      echo "        $prefix-$i:"
      echo "          ansible_host: $(cat "$dir/address")"
      echo "          fleet_sudo: $(cat "$dir/sudo")"
      if [ -n "$bastion_hosts" ] && in_list "$i" "$bastion_hosts"; then
        # OpenSSH passes no -o options to a ProxyJump hop: a ProxyCommand names the known_hosts and key.
        echo "          fleet_bastion: $bastion"
        echo "          ansible_ssh_common_args: '$(bare_proxy_args "$bastion")'"
      fi
    done
  } >"$out/inventory.yml"
  {
    echo "[fleet]"
    for i in $(seq 1 "$n"); do
      dir="$(host_dir "$i")"
      printf '%s ansible_host=%s fleet_sudo=%s' "$prefix-$i" "$(cat "$dir/address")" "$(cat "$dir/sudo")"
      if [ -n "$bastion_hosts" ] && in_list "$i" "$bastion_hosts"; then
        printf " fleet_bastion=%s ansible_ssh_common_args='%s'" "$bastion" "$(bare_proxy_args "$bastion")"
      fi
      echo
    done
    echo
    echo "[fleet:vars]"
    echo "ansible_user=$BARE_USER"
    echo "ansible_ssh_private_key_file=$out/client_key"
    echo "ansible_ssh_common_args='-o UserKnownHostsFile=$out/known_hosts -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes'"
    echo "ansible_python_interpreter=/usr/bin/python3"
  } >"$out/inventory.ini"
  for i in $(seq 1 "$n"); do
    dir="$(host_dir "$i")"
    echo "$(cat "$dir/address") $(cut -d' ' -f1-2 "$dir/ssh_host_ed25519_key.pub")" >>"$out/known_hosts"
  done
  echo "$out" >"$state/out"
}

#!/bin/sh
# cni-attach.sh NETNS ADDRESS/PREFIX GATEWAY BRIDGE
# A fresh network namespace /run/netns/NETNS with lo up (CNI loopback) and eth0 on BRIDGE with a fixed address
# (CNI bridge + static IPAM), through the CNI env protocol: what a person without cnitool (Debian ships none) does.
# Run again, it starts over: the old namespace (and with it its veth) is deleted first.
set -eu
[ $# -eq 4 ] || { echo "usage: cni-attach.sh NETNS ADDRESS/PREFIX GATEWAY BRIDGE" >&2; exit 2; }
ns=$1 addr=$2 gw=$3 br=$4
export CNI_PATH=/usr/lib/cni CNI_CONTAINERID="$ns" CNI_NETNS="/run/netns/$ns"
bridge_conf=$(printf '{"cniVersion":"1.0.0","name":"%s","type":"bridge","bridge":"%s","isGateway":true,"ipam":{"type":"static","addresses":[{"address":"%s","gateway":"%s"}],"routes":[{"dst":"0.0.0.0/0"}]}}' \
  "$br" "$br" "$addr" "$gw")
if [ -e "/run/netns/$ns" ]; then
  echo "$bridge_conf" | CNI_COMMAND=DEL CNI_IFNAME=eth0 /usr/lib/cni/bridge >/dev/null || true
  ip netns del "$ns"
fi
ip netns add "$ns"
echo '{"cniVersion":"1.0.0","name":"lo","type":"loopback"}' | CNI_COMMAND=ADD CNI_IFNAME=lo /usr/lib/cni/loopback >/dev/null \
  || { echo "cni-attach.sh: loopback ADD failed for $ns" >&2; exit 1; }
echo "$bridge_conf" | CNI_COMMAND=ADD CNI_IFNAME=eth0 /usr/lib/cni/bridge >/dev/null \
  || { echo "cni-attach.sh: bridge ADD of $addr on $br failed for $ns" >&2; exit 1; }

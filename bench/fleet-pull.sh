#!/usr/bin/env bash
# A fleet pulling one ~300 MB image, cold: jplay with peer-to-peer distribution vs jplay with independent pulls
# (-e jplay_peers=false), same run, same fleet, same registry; plus one host alone (the "single pull" yardstick).
# For each: the time until every host has the image unpacked (from the image task's start on the first host to
# its end on the last, in report.json) and the bytes the registry served (the sum of `http.response.written` of
# its blob and manifest GETs, from docker-registry's own request log at level info).
# Goals (issue 16): registry bytes <= 1.2 x the image size; time <= 2 x a single host's pull.
#
#   bench/fleet-pull.sh [HOSTS] [LAYER_MB]        (defaults 10 100: three layers of LAYER_MB of random data)
# Env: KEEP=1 keeps the work directory; ROUNDS=N repeats the three runs (default 1); REGISTRY_MBIT=N shapes the
# registry's link to N Mbit/s (tbf on its own veth: the registry runs in a network namespace of its own on the
# fleet's bridge), as a registry across a real network is; default 0, unshaped. Needs root, docker-registry,
# skopeo, iproute2. Every address is on this machine: the fleet's bridge 10.213.0.0/16.
# Cold: every run starts with empty stores (each host's images/ is a directory on disk, bind-mounted into the host
# and emptied) and `echo 3 > /proc/sys/vm/drop_caches`. Disk: HOSTS x (compressed + unpacked), ~6 GB for the
# defaults, removed after each run and at the end.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HOSTS=${1:-10}
LAYER_MB=${2:-100}
ROUNDS=${ROUNDS:-1}
PREFIX=${PREFIX:-jpp$(( $$ % 100000 ))}
FLEET="$ROOT/test-fleet/fleet.sh"
export LC_ALL=C.UTF-8 LANG=C.UTF-8
[ "$(id -u)" = 0 ] || { echo "fleet-pull.sh: run as root (fleet namespaces, drop_caches)" >&2; exit 1; }
for tool in docker-registry skopeo python3 curl; do
  command -v "$tool" >/dev/null || { echo "fleet-pull.sh: $tool missing" >&2; exit 1; }
done

WORK=$(mktemp -d /var/tmp/jplay-fleet-pull.XXXXXX)   # on disk, not /tmp's tmpfs: the stores live here
REGISTRY_PID=
REGISTRY_MBIT=${REGISTRY_MBIT:-0}
REG_NS=${PREFIX}reg        # the registry's network namespace and veth, named after the fleet
REG_VETH=${PREFIX}r
FLEET_OURS=
cleanup() {
  set +e
  [ -z "$REGISTRY_PID" ] || kill "$REGISTRY_PID" 2>/dev/null
  [ -z "$REGISTRY_PID" ] || wait "$REGISTRY_PID" 2>/dev/null
  ip netns del "$REG_NS" 2>/dev/null
  ip link del "${REG_VETH}0" 2>/dev/null
  [ -z "$FLEET_OURS" ] || "$FLEET" down --prefix "$PREFIX" >/dev/null 2>&1
  [ -z "${WARM:-}" ] || "$FLEET" down --prefix "$WARM" >/dev/null 2>&1
  [ "${KEEP:-0}" = 1 ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The image: a 1 KB base layer and three layers of LAYER_MB incompressible bytes, as an OCI layout for skopeo.
make_image() {
  local dir=$1 blobs=$1/blobs/sha256 i layers="" diffids="" tarfile gz dgst size
  mkdir -p "$blobs" "$dir/src"
  for i in 0 1 2 3; do
    rm -rf "$dir/src"/* && mkdir -p "$dir/src/layer$i"
    if [ $i = 0 ]; then echo base >"$dir/src/layer0/etc-release"; else head -c "${LAYER_MB}M" /dev/urandom >"$dir/src/layer$i/data.bin"; fi
    tarfile="$dir/layer$i.tar"
    tar -C "$dir/src" --owner=0 --group=0 --mtime=@0 -cf "$tarfile" "layer$i"
    diffids="$diffids${diffids:+,}\"sha256:$(sha256sum "$tarfile" | cut -d' ' -f1)\""
    gzip -1 -n -c "$tarfile" >"$dir/layer.gz" && rm "$tarfile"
    dgst=$(sha256sum "$dir/layer.gz" | cut -d' ' -f1); size=$(stat -c %s "$dir/layer.gz")
    mv "$dir/layer.gz" "$blobs/$dgst"
    layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$dgst\",\"size\":$size}"
  done
  rm -rf "$dir/src"
  printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/true"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' "$diffids" >"$dir/config.json"
  dgst=$(sha256sum "$dir/config.json" | cut -d' ' -f1); size=$(stat -c %s "$dir/config.json"); mv "$dir/config.json" "$blobs/$dgst"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
    "$dgst" "$size" "$layers" >"$dir/manifest.json"
  dgst=$(sha256sum "$dir/manifest.json" | cut -d' ' -f1); size=$(stat -c %s "$dir/manifest.json"); mv "$dir/manifest.json" "$blobs/$dgst"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"1"}}]}' \
    "$dgst" "$size" >"$dir/index.json"
  echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
}

"$ROOT/jplay" --version >/dev/null # builds the CLI if needed, outside the timings
# The CLI records its class-data archive during its first apply after a build: do that one untimed on a throwaway host.
WARM=w$(( $$ % 10000000 ))
"$FLEET" up 1 --prefix "$WARM" --out "$WORK/warm" >/dev/null
printf -- '- hosts: fleet\n  tasks:\n    - ping:\n' >"$WORK/warm/ping.yml"
"$ROOT/jplay" apply "$WORK/warm/ping.yml" -i "$WORK/warm/inventory.yml" --known-hosts "$WORK/warm/known_hosts" \
  --report-dir "$WORK/warm/run" >"$WORK/warm/out" 2>&1 || { cat "$WORK/warm/out" >&2; exit 1; }
"$FLEET" down --prefix "$WARM" >/dev/null; WARM=

[ ! -e "/run/jplay-fleet/$PREFIX" ] || { echo "a fleet '$PREFIX' exists already (not ours: left alone)" >&2; exit 1; }
FLEET_OURS=1
"$FLEET" up "$HOSTS" --prefix "$PREFIX" --out "$WORK/fleet" >/dev/null
# Each host's image store on disk: a directory of WORK bind-mounted over its ~/.jplay/state/images (tmpfs otherwise).
for i in $(seq 1 "$HOSTS"); do
  mkdir -p "$WORK/stores/h$i"
  "$FLEET" exec --prefix "$PREFIX" "$i" -- sh -c "mkdir -p /root/.jplay/state/images && mount --bind $WORK/stores/h$i /root/.jplay/state/images"
done

PORT=$(( 20000 + RANDOM % 20000 ))
while ss -ltn | grep -q ":$PORT "; do PORT=$(( PORT + 1 )); done
mkdir -p "$WORK/registry"
# The registry in its own namespace on the fleet's bridge, so that its link (its veth) can be shaped alone.
REG_ADDR=10.213.254.$(( 200 + $$ % 50 ))
ip -4 addr show | grep -q "inet $REG_ADDR/" && { echo "$REG_ADDR is taken" >&2; exit 1; }
ip netns add "$REG_NS"
ip link add "${REG_VETH}0" type veth peer name "${REG_VETH}1"
ip link set "${REG_VETH}1" netns "$REG_NS"
ip link set "${REG_VETH}0" master jpbr0 up
ip netns exec "$REG_NS" ip addr add "$REG_ADDR/16" dev "${REG_VETH}1"
ip netns exec "$REG_NS" ip link set "${REG_VETH}1" up
ip netns exec "$REG_NS" ip link set lo up
if [ "$REGISTRY_MBIT" -gt 0 ]; then
  ip netns exec "$REG_NS" tc qdisc add dev "${REG_VETH}1" root tbf rate "${REGISTRY_MBIT}mbit" burst 512kb latency 200ms
fi
cat >"$WORK/registry/config.yml" <<YAML
version: 0.1
log: {level: info, formatter: text}
storage: {filesystem: {rootdirectory: $WORK/registry/storage}}
http: {addr: $REG_ADDR:$PORT, secret: jplay-bench}
YAML
ip netns exec "$REG_NS" /usr/bin/docker-registry serve "$WORK/registry/config.yml" >"$WORK/registry/log" 2>&1 &
REGISTRY_PID=$!
for _ in $(seq 1 100); do curl -fsS "http://$REG_ADDR:$PORT/v2/" >/dev/null 2>&1 && break; sleep 0.1; done
IMAGE=$REG_ADDR:$PORT/bench/big:1
make_image "$WORK/oci"
skopeo copy -q --dest-tls-verify=false "oci:$WORK/oci:1" "docker://$IMAGE"
rm -rf "$WORK/oci"
IMAGE_BYTES=$(curl -fsS -H 'Accept: application/vnd.oci.image.manifest.v1+json' "http://$REG_ADDR:$PORT/v2/bench/big/manifests/1" \
  | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["config"]["size"]+sum(l["size"] for l in m["layers"]))')

cat >"$WORK/pull.yml" <<YAML
- hosts: fleet
  gather_facts: false
  tasks:
    - name: agents up
      ping:
    - name: pull
      image: {name: "$IMAGE", insecure: true}
YAML

# One run: empty stores, caches dropped, apply; prints "wall-ms registry-bytes" of the pull task.
run() { # NAME [apply options...]
  local name=$1 lines; shift
  for i in $(seq 1 "$HOSTS"); do find "$WORK/stores/h$i" -mindepth 1 -delete; done
  sync; echo 3 >/proc/sys/vm/drop_caches
  lines=$(wc -l <"$WORK/registry/log")
  "$ROOT/jplay" apply "$WORK/pull.yml" -i "$WORK/fleet/inventory.yml" --known-hosts "$WORK/fleet/known_hosts" \
    --report-dir "$WORK/run-$name" "$@" >"$WORK/run-$name.out" 2>&1 || { tail -20 "$WORK/run-$name.out" >&2; exit 1; }
  sleep 1 # the registry logs a response once it is written
  local bytes
  bytes=$(tail -n +$((lines + 1)) "$WORK/registry/log" \
    | sed -n 's/.*http\.request\.method=GET .*http\.response\.written=\([0-9]*\).*/\1/p' | awk '{s+=$1} END {printf "%.0f\n", s}')
  local wall
  wall=$(python3 - "$WORK/run-$name/report.json" <<'PY'
import json, sys, datetime
r = json.load(open(sys.argv[1]))
pulls = [t for t in r["results"] if t["task"] == "pull"]
assert all(t["status"] in ("ok", "changed") for t in pulls), pulls
ts = lambda t: datetime.datetime.fromisoformat(t["started"].replace("Z", "+00:00")).timestamp()
print(int((max(ts(t) * 1000 + t["duration_ms"] for t in pulls) - min(ts(t) for t in pulls) * 1000)))
PY
)
  echo "$wall $bytes"
}

echo "fleet-pull: $HOSTS hosts, image $(( IMAGE_BYTES / 1000000 )) MB (4 layers), registry link $( [ "$REGISTRY_MBIT" -gt 0 ] && echo "$REGISTRY_MBIT Mbit/s" || echo unshaped), load before: $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  res=$(run "single-$round" --limit "$PREFIX-1"); read -r one_ms one_bytes <<<"$res"
  res=$(run "independent-$round" -e jplay_peers=false); read -r ind_ms ind_bytes <<<"$res"
  res=$(run "peers-$round"); read -r peer_ms peer_bytes <<<"$res"
  echo "  load now: $(cut -d' ' -f1-3 /proc/loadavg)"
  ratio() { python3 -c "print(f'{$1/$2:.2f}')"; }
  printf '%-28s %9s %14s %18s %14s\n' "round $round" "time ms" "time/single" "registry bytes" "bytes/image"
  printf '%-28s %9d %14s %18d %14s\n' "one host (yardstick)" "$one_ms" "1.00" "$one_bytes" "$(ratio "$one_bytes" "$IMAGE_BYTES")"
  printf '%-28s %9d %14s %18d %14s\n' "$HOSTS hosts, independent" "$ind_ms" "$(ratio "$ind_ms" "$one_ms")" "$ind_bytes" "$(ratio "$ind_bytes" "$IMAGE_BYTES")"
  printf '%-28s %9d %14s %18d %14s\n' "$HOSTS hosts, peers" "$peer_ms" "$(ratio "$peer_ms" "$one_ms")" "$peer_bytes" "$(ratio "$peer_bytes" "$IMAGE_BYTES")"
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores)"
for i in $(seq 1 "$HOSTS"); do find "$WORK/stores/h$i" -mindepth 1 -delete; done

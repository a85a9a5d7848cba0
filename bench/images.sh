#!/usr/bin/env bash
# Cold pull+unpack of a ~300 MB, 3-layer image from a loopback docker-registry, in one run, alternating:
#   jplay      - the agent's ImageService (java -cp tools/target/jplay-tools-all.jar dev.jplay.runtime.bench.PullUnpack,
#                with the agent's JVM flags)
#   skopeo+umoci - skopeo copy docker://... oci:DIR, then umoci unpack
#   docker     - docker pull (dockerd downloads and unpacks into overlay2); docker rmi between runs
#   tar floor  - tar -xzpf of the three local .tar.gz layers, in parallel (no network, no hashing)
# Every run is cold: empty stores, `sync; echo 3 > /proc/sys/vm/drop_caches` first. Needs root.
#
# Usage: bench/images.sh            (N=5 runs each; N=1 for a smoke run; WORK=/var/tmp/jplay-imgbench)
# Needs: docker-registry skopeo umoci busybox-static docker.io (installed here if dockerd is missing), JDK 17,
# and the agent and tools jars (mvn -q -B -o -pl agent,tools -am package -DskipTests).
set -euo pipefail

N=${N:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${JAR:-$ROOT/agent/target/jplay-agent.jar}
TOOLS_JAR=${TOOLS_JAR:-$ROOT/tools/target/jplay-tools-all.jar}
WORK=${WORK:-/var/tmp/jplay-imgbench}
JAVA=${JAVA:-java}
REPO=bench/img
TAG=v1

[ "$(id -u)" = 0 ] || { echo "images.sh: run as root (drop_caches, docker)" >&2; exit 1; }
for jar in "$JAR" "$TOOLS_JAR"; do
  [ -f "$jar" ] || { echo "images.sh: no $jar; build it: mvn -q -B -o -pl agent,tools -am package -DskipTests" >&2; exit 1; }
done
for tool in docker-registry skopeo umoci sha256sum gzip tar curl; do
  command -v "$tool" >/dev/null || { echo "images.sh: $tool missing (apt-get install -y docker-registry skopeo umoci curl)" >&2; exit 1; }
done
command -v dockerd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io >/dev/null

PIDS=()
IMAGE=""
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  docker rmi -f "$IMAGE" >/dev/null 2>&1 || true
  rm -rf "$WORK/registry" "$WORK/runs"
}
trap cleanup EXIT

if [ ! -S /var/run/docker.sock ]; then
  dockerd >"$WORK.dockerd.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
fi
docker info >/dev/null

mkdir -p "$WORK"
rm -rf "$WORK/registry" "$WORK/runs"

# --- the image: built once, reused while its inputs are unchanged --------------------------------------------
JAVA_HOME_=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")
BIG=("${JAVA_HOME_#/}/lib/modules" usr/sbin/dockerd)               # ~200 MB of real binaries (gzip: ~3x)
SMALL=(usr/lib/python3.11 usr/share/man/man1)                       # thousands of small files, symlinks
IMG=$WORK/image
build_image() {
  rm -rf "$IMG" && mkdir -p "$IMG/oci/blobs/sha256" "$IMG/etc-layer/etc/app" "$IMG/etc-layer/bin"
  tar --numeric-owner --sort=name -C / -cf "$IMG/layer1.tar" "${BIG[@]}"
  tar --numeric-owner --sort=name -C / -cf "$IMG/layer2.tar" "${SMALL[@]}"
  cp /etc/os-release /etc/passwd /etc/group "$IMG/etc-layer/etc/"
  printf 'listen=0.0.0.0:8080\nworkers=4\n' >"$IMG/etc-layer/etc/app/app.conf"
  cp /bin/busybox "$IMG/etc-layer/bin/busybox" && ln -s busybox "$IMG/etc-layer/bin/true"
  tar --numeric-owner --sort=name -C "$IMG/etc-layer" -cf "$IMG/layer3.tar" etc bin
  local diff_ids="" layers=""
  for i in 1 2 3; do
    gzip -6 -n -c "$IMG/layer$i.tar" >"$IMG/layer$i.tar.gz"
    local diff digest size
    diff=$(sha256sum "$IMG/layer$i.tar" | cut -d' ' -f1)
    digest=$(sha256sum "$IMG/layer$i.tar.gz" | cut -d' ' -f1)
    size=$(stat -c %s "$IMG/layer$i.tar.gz")
    cp "$IMG/layer$i.tar.gz" "$IMG/oci/blobs/sha256/$digest"
    diff_ids+="${diff_ids:+,}\"sha256:$diff\""
    layers+="${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$digest\",\"size\":$size}"
    rm "$IMG/layer$i.tar"
  done
  printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/true"],"Env":["PATH=/bin:/usr/bin"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
    "$diff_ids" >"$IMG/config.json"
  local cdigest csize
  cdigest=$(sha256sum "$IMG/config.json" | cut -d' ' -f1); csize=$(stat -c %s "$IMG/config.json")
  cp "$IMG/config.json" "$IMG/oci/blobs/sha256/$cdigest"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
    "$cdigest" "$csize" "$layers" >"$IMG/manifest.json"
  local mdigest msize
  mdigest=$(sha256sum "$IMG/manifest.json" | cut -d' ' -f1); msize=$(stat -c %s "$IMG/manifest.json")
  cp "$IMG/manifest.json" "$IMG/oci/blobs/sha256/$mdigest"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$IMG/oci/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$mdigest" "$msize" "$TAG" >"$IMG/oci/index.json"
  echo "${BIG[*]} | ${SMALL[*]}" >"$IMG/inputs"
}
if [ "$(cat "$IMG/inputs" 2>/dev/null)" != "${BIG[*]} | ${SMALL[*]}" ] || [ -n "${REBUILD:-}" ]; then
  echo "building the image in $IMG ..."
  build_image
fi
for i in 1 2 3; do
  printf 'layer %d: %6.1f MB gzip, %6.1f MB tar, %6d entries\n' "$i" \
    "$(echo "$(stat -c %s "$IMG/layer$i.tar.gz") / 1000000" | bc -l)" \
    "$(echo "$(gzip -l "$IMG/layer$i.tar.gz" | awk 'NR==2{print $2}') / 1000000" | bc -l)" \
    "$(tar -tzf "$IMG/layer$i.tar.gz" | wc -l)"
done

# --- a loopback registry with its own config and storage ------------------------------------------------------
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$WORK/registry"
cat >"$WORK/registry/config.yml" <<EOF
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $WORK/registry/storage}}
http: {addr: 127.0.0.1:$PORT, secret: jplay-bench}
EOF
docker-registry serve "$WORK/registry/config.yml" >"$WORK/registry/log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$PORT/v2/" >/dev/null && break; sleep 0.1; done
IMAGE=127.0.0.1:$PORT/$REPO:$TAG
skopeo copy -q --dest-tls-verify=false "oci:$IMG/oci:$TAG" "docker://$IMAGE"
echo "pushed $IMAGE"

# --- the runs --------------------------------------------------------------------------------------------------
RUNS=$WORK/runs
mkdir -p "$RUNS"
cold() { sync; echo 3 >/proc/sys/vm/drop_caches; }
now() { date +%s%N; }

# The JVM flags of a host's agent (C1 only, compile thresholds, serial GC...): the rows below run like the agent.
AGENT_FLAGS=$("$JAVA" -cp "$JAR" dev.jplay.protocol.AgentLaunch)

run_jplay() {
  rm -rf "$RUNS/jplay"; cold
  local t0; t0=$(now)
  "$JAVA" $AGENT_FLAGS -cp "$TOOLS_JAR" dev.jplay.runtime.bench.PullUnpack "$IMAGE" "$RUNS/jplay" --insecure >"$RUNS/jplay.out"
  echo $(( ($(now) - t0) / 1000000 ))
}
run_jplay_writers0() { # ABLATE=1: the unpacker without parallel small-file writes
  rm -rf "$RUNS/jplay"; cold
  local t0; t0=$(now)
  "$JAVA" $AGENT_FLAGS -cp "$TOOLS_JAR" dev.jplay.runtime.bench.PullUnpack "$IMAGE" "$RUNS/jplay" --insecure --writers 0 >"$RUNS/jplay.out"
  echo $(( ($(now) - t0) / 1000000 ))
}
run_jplay_warm() { # the long-running agent: JIT already warm (one untimed fetch first, in the same JVM)
  rm -rf "$RUNS/jplay"; cold
  "$JAVA" $AGENT_FLAGS -cp "$TOOLS_JAR" dev.jplay.runtime.bench.PullUnpack "$IMAGE" "$RUNS/jplay" --insecure --warm >"$RUNS/jplay.out"
  sed -n 's/.*elapsed_ms=\([0-9]*\).*/\1/p' "$RUNS/jplay.out"
}
run_skopeo_umoci() {
  rm -rf "$RUNS/oci" "$RUNS/bundle"; cold
  local t0; t0=$(now)
  skopeo copy -q --src-tls-verify=false "docker://$IMAGE" "oci:$RUNS/oci:$TAG"
  umoci unpack --image "$RUNS/oci:$TAG" "$RUNS/bundle" >/dev/null
  echo $(( ($(now) - t0) / 1000000 ))
}
run_docker() {
  docker rmi -f "$IMAGE" >/dev/null 2>&1 || true; cold
  local t0; t0=$(now)
  docker pull -q "$IMAGE" >/dev/null
  echo $(( ($(now) - t0) / 1000000 ))
}
run_tar() {
  rm -rf "$RUNS/tar"; mkdir -p "$RUNS/tar/1" "$RUNS/tar/2" "$RUNS/tar/3"; cold
  local t0; t0=$(now)
  for i in 1 2 3; do tar -xzpf "$IMG/layer$i.tar.gz" -C "$RUNS/tar/$i" & done
  wait
  echo $(( ($(now) - t0) / 1000000 ))
}

TOOLS="jplay jplay_warm skopeo_umoci docker tar"
[ -n "${ABLATE:-}" ] && TOOLS="jplay jplay_writers0 jplay_warm skopeo_umoci docker tar"
declare -A TIMES
JPLAY_INNER=()
for run in $(seq "$N"); do
  for tool in $TOOLS; do
    ms=$(run_$tool)
    TIMES[$tool]+="$ms "
    extra=""
    if [ "$tool" = jplay ]; then
      inner=$(sed -n 's/.*elapsed_ms=\([0-9]*\).*/\1/p' "$RUNS/jplay.out")
      JPLAY_INNER+=("$inner"); extra=" (in the JVM: $inner ms; $(cut -d' ' -f2-5 "$RUNS/jplay.out"))"
    fi
    printf 'run %d %-13s %6d ms%s\n' "$run" "$tool" "$ms" "$extra"
  done
done

# the trees must agree: same regular files, same bytes (umoci/tar include the same content)
diff <(cd "$RUNS/tar/2" && find . -type f -printf '%P %s %m\n' | sort) \
     <(cd "$RUNS/jplay/cold/layers/layers/sha256" && cd "$(ls | while read -r d; do [ -e "$d/fs/usr/lib/python3.11" ] && echo "$d"; done)/fs" \
       && find . -type f -printf '%P %s %m\n' | sort) >/dev/null \
  && echo "check: jplay's small-file layer matches tar's (names, sizes, modes)" \
  || { echo "check FAILED: jplay's small-file layer differs from tar's" >&2; exit 1; }

stats() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%d %d %d", m, a[1], a[NR]}'; }
read -r dmed _ _ <<<"$(echo "${TIMES[docker]}" | stats)"
echo
echo "cold pull+unpack of $IMAGE, N=$N each, alternating ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
printf '%-22s %9s %9s %9s %12s\n' tool "median ms" "min ms" "max ms" "vs docker"
for tool in $TOOLS; do
  read -r med min max <<<"$(echo "${TIMES[$tool]}" | stats)"
  printf '%-22s %9d %9d %9d %11.2fx\n' "$tool" "$med" "$min" "$max" "$(echo "$med / $dmed" | bc -l)"
done
read -r med min max <<<"$(echo "${JPLAY_INNER[*]}" | stats)"
printf '%-22s %9d %9d %9d %11.2fx\n' "jplay (inside the JVM)" "$med" "$min" "$max" "$(echo "$med / $dmed" | bc -l)"
echo "(vs docker: median / docker's median; below 1 is faster. jplay = a fresh JVM per run, wall time;"
echo " jplay_warm = in-JVM time of a cold fetch after one warm-up fetch, like the long-running agent;"
echo " tar = floor: local files, no download, no hashing)"

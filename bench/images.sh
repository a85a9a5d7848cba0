#!/usr/bin/env bash
# Cold pull+unpack of two images from a loopback docker-registry, in one run, alternating:
#   files - a ~300 MB, 3-layer image of real binaries and ~20k small files (python3.11, man pages)
#   big   - a 1 MB base plus three ~100 MB gzip layers of mostly incompressible data (~320 entries, ~315 MB unpacked)
# Rows (each image):
#   jplay_apply - the user's path: `jplay apply` (the launcher, the CLI JVM, the local agent JVM) of a playbook with
#                one `image:` task on localhost; the local agent's stores are empty, its jar cached (a second run)
#   jplay      - the agent's ImageService (java -cp tools/target/jplay-tools-all.jar dev.jplay.runtime.bench.PullUnpack,
#                with the agent's JVM flags)
#   skopeo+umoci - skopeo copy docker://... oci:DIR, then umoci unpack
#   docker     - docker pull (dockerd downloads and unpacks into overlay2); docker rmi between runs
#   floor      - the same bytes from the registry, hashed and written, no tool around them: the manifest with curl,
#                then per blob (config and layers, all in parallel) `curl URL | tee FILE | sha256sum`
#   tar floor  - tar -xzpf of the local .tar.gz layers, in parallel (no network, no hashing)
# And once per round: ping - `jplay apply` of a playbook with one `ping` task on localhost (what any apply costs).
# Every run is cold: empty stores, `sync; echo 3 > /proc/sys/vm/drop_caches` first. Needs root.
#
# Usage: bench/images.sh            (N=5 runs each; N=1 for a smoke run; WORK=/var/tmp/jplay-imgbench;
#                                    IMAGES="files big" or one of them; ROWS="jplay_apply docker floor" to pick rows)
# Needs: docker-registry skopeo umoci busybox-static docker.io (installed here if dockerd is missing), JDK 17,
# and the CLI, agent and tools jars (mvn -q -B -o package -DskipTests).
set -euo pipefail

N=${N:-5}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${JAR:-$ROOT/agent/target/jplay-agent.jar}
TOOLS_JAR=${TOOLS_JAR:-$ROOT/tools/target/jplay-tools-all.jar}
WORK=${WORK:-/var/tmp/jplay-imgbench}
JAVA=${JAVA:-java}
TAG=v1
IMAGES=${IMAGES:-files big}
ROWS=${ROWS:-jplay_apply jplay jplay_warm skopeo_umoci docker floor tar}
[ -n "${ABLATE:-}" ] && ROWS="${ROWS/jplay_warm/jplay_writers0 jplay_warm}"

[ "$(id -u)" = 0 ] || { echo "images.sh: run as root (drop_caches, docker)" >&2; exit 1; }
for jar in "$JAR" "$TOOLS_JAR" "$ROOT/cli/target/jplay.jar"; do
  [ -f "$jar" ] || { echo "images.sh: no $jar; build it: mvn -q -B -o package -DskipTests" >&2; exit 1; }
done
for tool in docker-registry skopeo umoci sha256sum gzip tar curl unshare; do
  command -v "$tool" >/dev/null || { echo "images.sh: $tool missing (apt-get install -y docker-registry skopeo umoci curl)" >&2; exit 1; }
done
command -v dockerd >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io >/dev/null

PIDS=()
declare -A IMAGE
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for ref in "${IMAGE[@]}"; do docker rmi -f "$ref" >/dev/null 2>&1 || true; done
  rm -rf "$WORK/registry" "$WORK/runs" "$WORK/home/.jplay/state"
}
trap cleanup EXIT

if [ ! -S /var/run/docker.sock ]; then
  dockerd >"$WORK.dockerd.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
fi
docker info >/dev/null
# an earlier run's tags of the same images (another registry port) would keep their layers in docker: pulls then cost nothing
docker images --format '{{.Repository}}:{{.Tag}}' | grep -E '^127\.0\.0\.1:[0-9]+/bench/(img|big):' | xargs -r docker rmi -f >/dev/null

mkdir -p "$WORK"
rm -rf "$WORK/registry" "$WORK/runs"

# --- the images: built once, reused while their inputs are unchanged -------------------------------------------
JAVA_HOME_=$(dirname "$(dirname "$(readlink -f "$(command -v "$JAVA")")")")
BIG=("${JAVA_HOME_#/}/lib/modules" usr/sbin/dockerd)               # ~200 MB of real binaries (gzip: ~3x)
SMALL=(usr/lib/python3.11 usr/share/man/man1)                       # thousands of small files, symlinks
declare -A IMGDIR=([files]=$WORK/image [big]=$WORK/image-big)
declare -A REPO=([files]=bench/img [big]=bench/big)
declare -A INPUTS=([files]="${BIG[*]} | ${SMALL[*]}" [big]="big-blob v1: base 1 MB + 3 x (1x40 MB, 2x15 MB, 96 x 0.36 MB) random")

layers_files() { # $1: image dir; writes layer1.tar .. layer3.tar
  local img=$1
  mkdir -p "$img/etc-layer/etc/app" "$img/etc-layer/bin"
  tar --numeric-owner --sort=name -C / -cf "$img/layer1.tar" "${BIG[@]}"
  tar --numeric-owner --sort=name -C / -cf "$img/layer2.tar" "${SMALL[@]}"
  cp /etc/os-release /etc/passwd /etc/group "$img/etc-layer/etc/"
  printf 'listen=0.0.0.0:8080\nworkers=4\n' >"$img/etc-layer/etc/app/app.conf"
  cp /bin/busybox "$img/etc-layer/bin/busybox" && ln -s busybox "$img/etc-layer/bin/true"
  tar --numeric-owner --sort=name -C "$img/etc-layer" -cf "$img/layer3.tar" etc bin
}
layers_big() { # a 1 MB base (busybox, /etc) and three ~105 MB layers of random bytes: what gzip cannot shrink
  local img=$1 i f
  mkdir -p "$img/base/etc" "$img/base/bin"
  cp /etc/os-release /etc/passwd /etc/group "$img/base/etc/"
  cp /bin/busybox "$img/base/bin/busybox" && ln -s busybox "$img/base/bin/true"
  tar --numeric-owner --sort=name -C "$img/base" -cf "$img/layer1.tar" etc bin
  for i in 2 3 4; do
    local d=$img/data$i
    mkdir -p "$d/opt/data$i/big" "$d/opt/data$i/parts"
    head -c 40000000 /dev/urandom >"$d/opt/data$i/big/blob.bin"
    head -c 15000000 /dev/urandom >"$d/opt/data$i/big/a.bin"
    head -c 15000000 /dev/urandom >"$d/opt/data$i/big/b.bin"
    for f in $(seq -w 1 96); do head -c 360000 /dev/urandom >"$d/opt/data$i/parts/part$f.bin"; done
    chmod 0755 "$d/opt/data$i/big/a.bin"
    tar --numeric-owner --sort=name -C "$d" -cf "$img/layer$i.tar" opt
    rm -rf "$d"
  done
}
build_image() { # $1: files|big
  local img=${IMGDIR[$1]} count
  rm -rf "$img" && mkdir -p "$img/oci/blobs/sha256"
  "layers_$1" "$img"
  count=$(ls "$img"/layer*.tar | wc -l)
  local diff_ids="" layers=""
  : >"$img/diff_ids"
  for i in $(seq "$count"); do
    gzip -6 -n -c "$img/layer$i.tar" >"$img/layer$i.tar.gz"
    local diff digest size
    diff=$(sha256sum "$img/layer$i.tar" | cut -d' ' -f1)
    digest=$(sha256sum "$img/layer$i.tar.gz" | cut -d' ' -f1)
    size=$(stat -c %s "$img/layer$i.tar.gz")
    cp "$img/layer$i.tar.gz" "$img/oci/blobs/sha256/$digest"
    echo "$diff" >>"$img/diff_ids"
    diff_ids+="${diff_ids:+,}\"sha256:$diff\""
    layers+="${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$digest\",\"size\":$size}"
    rm "$img/layer$i.tar"
  done
  printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["/bin/true"],"Env":["PATH=/bin:/usr/bin"]},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
    "$diff_ids" >"$img/config.json"
  local cdigest csize
  cdigest=$(sha256sum "$img/config.json" | cut -d' ' -f1); csize=$(stat -c %s "$img/config.json")
  cp "$img/config.json" "$img/oci/blobs/sha256/$cdigest"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
    "$cdigest" "$csize" "$layers" >"$img/manifest.json"
  local mdigest msize
  mdigest=$(sha256sum "$img/manifest.json" | cut -d' ' -f1); msize=$(stat -c %s "$img/manifest.json")
  cp "$img/manifest.json" "$img/oci/blobs/sha256/$mdigest"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$img/oci/oci-layout"
  printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$mdigest" "$msize" "$TAG" >"$img/oci/index.json"
  echo "${INPUTS[$1]}" >"$img/inputs"
}
for image in $IMAGES; do
  img=${IMGDIR[$image]}
  if [ "$(cat "$img/inputs" 2>/dev/null)" != "${INPUTS[$image]}" ] || [ ! -f "$img/diff_ids" ] || [ -n "${REBUILD:-}" ]; then
    echo "building the $image image in $img ..."
    build_image "$image"
  fi
  for gz in "$img"/layer*.tar.gz; do
    printf '%s %s: %6.1f MB gzip, %6.1f MB tar, %6d entries\n' "$image" "$(basename "$gz" .tar.gz)" \
      "$(echo "$(stat -c %s "$gz") / 1000000" | bc -l)" \
      "$(echo "$(gzip -l "$gz" | awk 'NR==2{print $2}') / 1000000" | bc -l)" \
      "$(tar -tzf "$gz" | wc -l)"
  done
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
for image in $IMAGES; do
  IMAGE[$image]=127.0.0.1:$PORT/${REPO[$image]}:$TAG
  skopeo copy -q --dest-tls-verify=false "oci:${IMGDIR[$image]}/oci:$TAG" "docker://${IMAGE[$image]}"
  echo "pushed ${IMAGE[$image]}"
done

# --- the runs --------------------------------------------------------------------------------------------------
RUNS=$WORK/runs
mkdir -p "$RUNS"
cold() { sync; echo 3 >/proc/sys/vm/drop_caches; }
now() { date +%s%N; }

# The JVM flags of a host's agent (C1 only, compile thresholds, serial GC...): the rows below run like the agent.
AGENT_FLAGS=$("$JAVA" -cp "$JAR" dev.jplay.protocol.AgentLaunch)

# jplay apply runs as root on this machine, so its local agent keeps its stores in /root/.jplay/state. The rows use
# their own: a private mount namespace binds $WORK/home/.jplay over /root/.jplay (the agent jar and its class-data
# archive stay there between runs, as on any machine after its first apply; the stores are emptied before each run).
JHOME=$WORK/home/.jplay
mkdir -p "$JHOME" "$RUNS/playbooks"
jplay_apply() { # $1: playbook; output in $RUNS/apply.out
  unshare --mount sh -c 'mount --bind "$1" "$HOME/.jplay" && shift && exec "$@"' sh "$JHOME" \
    "$ROOT/jplay" apply -i localhost, "$1" >"$RUNS/apply.out" 2>&1
}
printf -- '- hosts: localhost\n  tasks:\n    - ping:\n' >"$RUNS/playbooks/ping.yml"
for image in $IMAGES; do
  printf -- '- hosts: localhost\n  tasks:\n    - image: {name: "%s", insecure: true}\n' "${IMAGE[$image]}" \
    >"$RUNS/playbooks/$image.yml"
done
# the first apply after a build writes the agent jar and the class-data archives (CLI and agent): untimed
for _ in 1 2; do
  jplay_apply "$RUNS/playbooks/ping.yml" || { cat "$RUNS/apply.out" >&2; exit 1; }
done

run_ping() {
  cold
  local t0; t0=$(now)
  jplay_apply "$RUNS/playbooks/ping.yml" || { cat "$RUNS/apply.out" >&2; exit 1; }
  echo $(( ($(now) - t0) / 1000000 ))
}
run_jplay_apply() {
  rm -rf "$JHOME/state/images"; cold
  local t0; t0=$(now)
  jplay_apply "$RUNS/playbooks/$1.yml" || { cat "$RUNS/apply.out" >&2; exit 1; }
  echo $(( ($(now) - t0) / 1000000 ))
}
run_jplay() {
  rm -rf "$RUNS/jplay"; cold
  local t0; t0=$(now)
  "$JAVA" $AGENT_FLAGS -cp "$TOOLS_JAR" dev.jplay.runtime.bench.PullUnpack "${IMAGE[$1]}" "$RUNS/jplay" --insecure >"$RUNS/jplay.out"
  echo $(( ($(now) - t0) / 1000000 ))
}
run_jplay_writers0() { # ABLATE=1: the unpacker without parallel small-file writes
  rm -rf "$RUNS/jplay"; cold
  local t0; t0=$(now)
  "$JAVA" $AGENT_FLAGS -cp "$TOOLS_JAR" dev.jplay.runtime.bench.PullUnpack "${IMAGE[$1]}" "$RUNS/jplay" --insecure --writers 0 >"$RUNS/jplay.out"
  echo $(( ($(now) - t0) / 1000000 ))
}
run_jplay_warm() { # the long-running agent: JIT already warm (one untimed fetch first, in the same JVM)
  rm -rf "$RUNS/jplay"; cold
  "$JAVA" $AGENT_FLAGS -cp "$TOOLS_JAR" dev.jplay.runtime.bench.PullUnpack "${IMAGE[$1]}" "$RUNS/jplay" --insecure --warm >"$RUNS/jplay.out"
  sed -n 's/.*elapsed_ms=\([0-9]*\).*/\1/p' "$RUNS/jplay.out"
}
run_skopeo_umoci() {
  rm -rf "$RUNS/oci" "$RUNS/bundle"; cold
  local t0; t0=$(now)
  skopeo copy -q --src-tls-verify=false "docker://${IMAGE[$1]}" "oci:$RUNS/oci:$TAG"
  umoci unpack --image "$RUNS/oci:$TAG" "$RUNS/bundle" >/dev/null
  echo $(( ($(now) - t0) / 1000000 ))
}
run_docker() {
  docker rmi -f "${IMAGE[$1]}" >/dev/null 2>&1 || true; cold
  local t0; t0=$(now)
  docker pull -q "${IMAGE[$1]}" >/dev/null
  echo $(( ($(now) - t0) / 1000000 ))
}
run_floor() { # the bytes as the registry sends them: resolve the tag, then every blob in parallel, hashed and written
  local dir=$RUNS/floor base="http://127.0.0.1:$PORT/v2/${REPO[$1]}"
  rm -rf "$dir"; mkdir -p "$dir"; cold
  local t0; t0=$(now)
  curl -fs -H 'Accept: application/vnd.oci.image.manifest.v1+json' "$base/manifests/$TAG" >"$dir/manifest.json"
  for digest in $(grep -o '"digest":"sha256:[0-9a-f]*"' "$dir/manifest.json" | cut -d'"' -f4); do
    (curl -fs "$base/blobs/$digest" | tee "$dir/${digest#sha256:}" | sha256sum >"$dir/${digest#sha256:}.sum") &
  done
  wait
  local ms=$(( ($(now) - t0) / 1000000 )) sum
  for sum in "$dir"/*.sum; do # every blob arrived whole
    [ "$(cut -d' ' -f1 "$sum")" = "$(basename "$sum" .sum)" ] || { echo "floor: $sum does not match" >&2; exit 1; }
  done
  echo "$ms"
}
run_tar() {
  local img=${IMGDIR[$1]} gz i
  rm -rf "$RUNS/tar"; cold
  local t0; t0=$(now)
  for gz in "$img"/layer*.tar.gz; do
    i=$(basename "$gz" .tar.gz); i=${i#layer}
    mkdir -p "$RUNS/tar/$i"; tar -xzpf "$gz" -C "$RUNS/tar/$i" &
  done
  wait
  echo $(( ($(now) - t0) / 1000000 ))
}

declare -A TIMES INNER
for run in $(seq "$N"); do
  ms=$(run_ping); TIMES[ping]+="$ms "
  printf 'run %d %-6s %-14s %6d ms\n' "$run" - ping "$ms"
  for image in $IMAGES; do
    for tool in $ROWS; do
      ms=$(run_$tool "$image")
      TIMES[$image.$tool]+="$ms "
      extra=""
      if [ "$tool" = jplay ]; then
        inner=$(sed -n 's/.*elapsed_ms=\([0-9]*\).*/\1/p' "$RUNS/jplay.out")
        INNER[$image]+="$inner "; extra=" (in the JVM: $inner ms; $(cut -d' ' -f2-5 "$RUNS/jplay.out"))"
      fi
      printf 'run %d %-6s %-14s %6d ms%s\n' "$run" "$image" "$tool" "$ms" "$extra"
    done
  done
done

# the trees must agree with tar's: same regular files, same bytes count and modes, layer by layer
tree_of() { (cd "$1" && find . \( -type f -o -type l \) -printf '%P %y %s %m\n' | sort); }
for image in $IMAGES; do
  case " $ROWS " in *" tar "*) ;; *) continue ;; esac
  (run_tar "$image") >/dev/null # in a subshell: its `wait` must not wait for the registry and dockerd
  # the rows' trees of this image again (the next image's runs emptied the stores)
  [[ " $ROWS " == *" jplay_apply "* ]] && run_jplay_apply "$image" >/dev/null
  [[ " $ROWS " == *" jplay "* ]] && run_jplay "$image" >/dev/null
  i=0
  while read -r diff; do
    i=$((i + 1))
    if [[ " $ROWS " == *" jplay_apply "* ]]; then
      diff <(tree_of "$RUNS/tar/$i") <(tree_of "$JHOME/state/images/layers/sha256/$diff/fs") >/dev/null \
        || { echo "check FAILED: jplay apply's layer $i of $image differs from tar's" >&2; exit 1; }
    fi
    if [[ " $ROWS " == *" jplay "* ]]; then
      diff <(tree_of "$RUNS/tar/$i") <(tree_of "$RUNS/jplay/cold/layers/layers/sha256/$diff/fs") >/dev/null \
        || { echo "check FAILED: PullUnpack's layer $i of $image differs from tar's" >&2; exit 1; }
    fi
  done <"${IMGDIR[$image]}/diff_ids"
  echo "check: every layer of $image unpacked by jplay matches tar's (names, types, sizes, modes)"
done

stats() { tr ' ' '\n' | grep . | sort -n | awk '{a[NR]=$1} END {m=(NR%2)?a[(NR+1)/2]:(a[NR/2]+a[NR/2+1])/2; printf "%d %d %d", m, a[1], a[NR]}'; }
ratio() { [ -n "$2" ] && [ "$2" != 0 ] && printf '%.2fx' "$(echo "$1 / $2" | bc -l)" || printf -- '-'; }
echo
echo "cold pull+unpack, N=$N each, alternating ($(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
read -r med min max <<<"$(echo "${TIMES[ping]}" | stats)"
printf '%-6s %-22s %9s %9s %9s %10s %10s\n' image row "median ms" "min ms" "max ms" "vs docker" "vs floor"
printf '%-6s %-22s %9d %9d %9d %10s %10s\n' - "jplay apply (ping)" "$med" "$min" "$max" - -
for image in $IMAGES; do
  dmed=""; fmed=""
  [ -n "${TIMES[$image.docker]:-}" ] && read -r dmed _ _ <<<"$(echo "${TIMES[$image.docker]}" | stats)"
  [ -n "${TIMES[$image.floor]:-}" ] && read -r fmed _ _ <<<"$(echo "${TIMES[$image.floor]}" | stats)"
  for tool in $ROWS; do
    read -r med min max <<<"$(echo "${TIMES[$image.$tool]}" | stats)"
    printf '%-6s %-22s %9d %9d %9d %10s %10s\n' "$image" "$tool" "$med" "$min" "$max" "$(ratio "$med" "$dmed")" "$(ratio "$med" "$fmed")"
  done
  if [ -n "${INNER[$image]:-}" ]; then
    read -r med min max <<<"$(echo "${INNER[$image]}" | stats)"
    printf '%-6s %-22s %9d %9d %9d %10s %10s\n' "$image" "jplay (inside the JVM)" "$med" "$min" "$max" "$(ratio "$med" "$dmed")" "$(ratio "$med" "$fmed")"
  fi
done
echo "(vs docker / vs floor: median / that row's median; below 1 is faster. jplay_apply = ./jplay apply, wall time;"
echo " jplay = a fresh JVM running the agent's ImageService, wall time; jplay_warm = in-JVM time of a cold fetch after"
echo " one warm-up fetch, like the long-running agent; floor = curl | tee FILE | sha256sum per blob, in parallel;"
echo " tar = tar -xzpf of the local layers in parallel: no network, no hashing)"

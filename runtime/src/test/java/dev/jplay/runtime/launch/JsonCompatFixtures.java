package dev.jplay.runtime.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Fixed specs and images whose JSON (spec hash, spec.json, config.json) is pinned across the databind removal. */
final class JsonCompatFixtures {
    private JsonCompatFixtures() {}

    static final String DIGEST = "sha256:" + "ab".repeat(32);
    static final Path ROOTFS = Path.of("/var/lib/jplay/snapshots/rootfs/web");

    // The specs as jplay recorded them before it capped logs: no log configuration (log(null)).
    static ContainerSpec minimal() {
        return ContainerSpec.builder("web").log(null).build();
    }

    static ContainerSpec full() {
        return ContainerSpec.builder("web")
                .command("nginx", "-g", "daemon off;")
                .entrypoint("/docker-entrypoint.sh")
                .env("ZETA", "last").env("ALPHA", "first \"quoted\" \u00e9\n")
                .mount("/srv/data", "/data", false).mount("/etc/app", "/etc/app", true)
                .hostname("web-1").memory("8g").cpus(1.5).readOnly(true).user("app:wheel").workingDir("/srv")
                .restartPolicy(RestartPolicy.ON_FAILURE).restartRetries(3)
                .networkMode(NetworkMode.parse("/run/netns/web")).stopTimeout(30)
                .log(null).build();
    }

    static ContainerSpec edge() {
        return ContainerSpec.builder("edge.box_2")
                .entrypoint(List.of()).command(List.of("/bin/sh", "-c", "sleep 1")).env(Map.of("EMPTY", ""))
                .memory("7340032").cpus(2.0).user("4294").workingDir("")
                .restartPolicy(RestartPolicy.ALWAYS).networkMode(NetworkMode.HOST).stopTimeout(0)
                .log(null).build();
    }

    static final ImageConfig IMAGE = new ImageConfig(List.of("/docker-entrypoint.sh"),
            List.of("nginx", "-g", "daemon off;"), List.of("PATH=/opt/bin:/bin", "NGINX_VERSION=1.25"), "/srv", "app");

    static void etcFiles(Path rootfs) throws IOException {
        Files.createDirectories(rootfs.resolve("etc"));
        Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\napp:x:1234:2345::/home/app:/bin/sh\n");
        Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\napp:x:2345:\nwheel:x:10:app,root\n");
    }
}

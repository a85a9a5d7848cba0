package dev.jplay.runtime.network;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Runs CNI plugin binaries by the CNI exec protocol: parameters in {@code CNI_*} environment variables, the network
 * configuration on stdin, a result (ADD) or an error object on stdout. Plugins that delegate (bridge → its IPAM
 * plugin) find their delegate through {@code CNI_PATH}, so it lists all plugin directories.
 */
final class CniPlugins {
    /** Where distributions put the reference plugins: Debian /usr/lib/cni, upstream tarballs /opt/cni/bin. */
    static final List<Path> DEFAULT_DIRS = List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"));
    private static final long TIMEOUT_SECONDS = 30;

    enum Command { ADD, DEL, CHECK }

    /** The container a plugin acts on. */
    record Target(String containerId, Path netns, String ifName) {}

    private final List<Path> dirs;
    private final ObjectMapper mapper;

    CniPlugins(List<Path> dirs, ObjectMapper mapper) {
        if (dirs.isEmpty()) throw new IllegalArgumentException("no CNI plugin directory given");
        this.dirs = List.copyOf(dirs);
        this.mapper = mapper;
    }

    List<Path> dirs() { return dirs; }

    /** Fails with PLUGIN_MISSING unless every named plugin is an executable in one of the directories. */
    void requireAll(List<String> types) {
        for (String type : types) locate(type);
    }

    Path locate(String type) {
        Optional<Path> found = dirs.stream().map(d -> d.resolve(type)).filter(Files::isExecutable).findFirst();
        return found.orElseThrow(() -> new NetworkException(NetworkException.PLUGIN_MISSING,
                "CNI plugin '" + type + "' not found in " + cniPath() + " (Debian: apt-get install containernetworking-plugins)")
                .detail("plugin", type).detail("cni_path", cniPath()));
    }

    /** Runs one plugin; the returned node is its stdout JSON (the result for ADD, usually empty for DEL/CHECK). */
    JsonNode invoke(Command command, ObjectNode config, Target target) {
        String type = config.path("type").asText();
        Path binary = locate(type);
        ProcessBuilder pb = new ProcessBuilder(binary.toString());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("CNI_"));
        env.put("CNI_COMMAND", command.name());
        env.put("CNI_CONTAINERID", target.containerId());
        env.put("CNI_NETNS", target.netns().toString());
        env.put("CNI_IFNAME", target.ifName());
        env.put("CNI_PATH", cniPath());
        pb.redirectErrorStream(false);
        Output out;
        try {
            Process process = pb.start();
            CompletableFuture<String> stdout = readAsync(process.getInputStream());
            CompletableFuture<String> stderr = readAsync(process.getErrorStream());
            try (OutputStream stdin = process.getOutputStream()) {
                stdin.write(mapper.writeValueAsBytes(config));
            }
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw failed(command, type, target, "timed out after " + TIMEOUT_SECONDS + " s");
            }
            out = new Output(process.exitValue(), stdout.join(), stderr.join());
        } catch (IOException e) {
            throw failed(command, type, target, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(command, type, target, "interrupted");
        }
        JsonNode json = parse(out.stdout);
        if (out.exit != 0 || json.has("code") && json.has("msg") && !json.has("interfaces")) {
            NetworkException e = failed(command, type, target,
                    json.has("msg") ? json.path("msg").asText() : "exit code " + out.exit + ": " + out.stderr.strip());
            e.detail("exit_code", out.exit);
            if (json.has("code")) e.detail("cni_code", json.path("code").asInt());
            if (json.has("msg")) e.detail("cni_msg", json.path("msg").asText());
            if (json.hasNonNull("details")) e.detail("cni_details", json.path("details").asText());
            if (!out.stderr.isBlank()) e.detail("stderr", out.stderr.strip());
            throw e;
        }
        return json;
    }

    private String cniPath() {
        return dirs.stream().map(Path::toString).collect(Collectors.joining(":"));
    }

    private JsonNode parse(String stdout) {
        if (stdout.isBlank()) return mapper.createObjectNode();
        try {
            return mapper.readTree(stdout);
        } catch (IOException e) {
            return mapper.createObjectNode().put("msg", "unparsable plugin output: " + stdout.strip());
        }
    }

    private static NetworkException failed(Command command, String type, Target target, String why) {
        return new NetworkException(NetworkException.PLUGIN_FAILED,
                "CNI " + type + " " + command + " for " + target.containerId() + " in " + target.netns() + " failed: " + why)
                .detail("plugin", type).detail("cni_command", command.name()).detail("netns", target.netns().toString());
    }

    private static CompletableFuture<String> readAsync(InputStream in) {
        // Own threads: the common pool has a single thread on a 2-core machine, and these reads block.
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }, task -> {
            Thread t = new Thread(task, "cni-plugin-output");
            t.setDaemon(true);
            t.start();
        });
    }

    private record Output(int exit, String stdout, String stderr) {}
}

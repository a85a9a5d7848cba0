package dev.jplay.runtime.network;

import dev.jplay.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
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
    private static final long TIMEOUT_SECONDS = 30;

    enum Command { ADD, DEL, CHECK }

    /** The container a plugin acts on. */
    record Target(String containerId, Path netns, String ifName) {}

    private final List<Path> dirs;

    CniPlugins(List<Path> dirs) {
        if (dirs.isEmpty()) throw new IllegalArgumentException("no CNI plugin directory given");
        this.dirs = List.copyOf(dirs);
    }

    List<Path> dirs() { return dirs; }

    /** Fails with PLUGIN_MISSING unless every named plugin is an executable in one of the directories. */
    void requireAll(List<String> types) {
        for (String type : types) locate(type);
    }

    Path locate(String type) {
        Optional<Path> found = dirs.stream().map(d -> d.resolve(type)).filter(Files::isExecutable).findFirst();
        return found.orElseThrow(() -> new NetworkException(NetworkException.PLUGIN_MISSING,
                "CNI plugin '" + type + "' not found in " + cniPath() + " (install it: jplay setup, or the package"
                        + " containernetworking-plugins on Debian/Ubuntu/Fedora, cni-plugins on Alpine)")
                .detail("plugin", type).detail("cni_path", cniPath()));
    }

    /** Runs one plugin; the returned object is its stdout JSON (the result for ADD, usually empty for DEL/CHECK). */
    Map<String, Object> invoke(Command command, Map<String, Object> config, Target target) {
        String type = String.valueOf(config.get("type"));
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
                stdin.write(Json.write(config));
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
        Map<String, Object> json = parse(out.stdout);
        if (out.exit != 0 || json.containsKey("code") && json.containsKey("msg") && !json.containsKey("interfaces")) {
            NetworkException e = failed(command, type, target,
                    json.containsKey("msg") ? text(json.get("msg")) : "exit code " + out.exit + ": " + out.stderr.strip());
            e.detail("exit_code", out.exit);
            if (json.containsKey("code")) e.detail("cni_code", json.get("code") instanceof Number n ? n.intValue() : 0);
            if (json.containsKey("msg")) e.detail("cni_msg", text(json.get("msg")));
            if (json.get("details") != null) e.detail("cni_details", text(json.get("details")));
            if (!out.stderr.isBlank()) e.detail("stderr", out.stderr.strip());
            throw e;
        }
        return json;
    }

    private String cniPath() {
        return dirs.stream().map(Path::toString).collect(Collectors.joining(":"));
    }

    private static Map<String, Object> parse(String stdout) {
        if (stdout.isBlank()) return new LinkedHashMap<>();
        try {
            return Json.parseObject(stdout.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            Map<String, Object> unparsable = new LinkedHashMap<>();
            unparsable.put("msg", "unparsable plugin output: " + stdout.strip());
            return unparsable;
        }
    }

    /** A plugin's error field as text; an object or array (never sent by the reference plugins) as its JSON. */
    private static String text(Object value) {
        return value instanceof String s ? s : Json.writeString(value);
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

package dev.jplay.inventory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An executable inventory script, run with Ansible's dynamic-inventory protocol: {@code SCRIPT --list} prints
 * a JSON object of groups ({@code {"hosts": [...], "children": [...], "vars": {...}}}, or a bare host list)
 * and optionally {@code "_meta": {"hostvars": {HOST: {...}}}}; without {@code _meta}, {@code SCRIPT --host
 * HOST} is run for each host.
 */
final class ScriptInventorySource implements InventorySource {
    static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path script;

    ScriptInventorySource(Path script) {
        this.script = script;
    }

    @Override
    public String origin() {
        return script.toString();
    }

    @Override
    public Optional<Path> varsDirectory() {
        return Optional.ofNullable(script.toAbsolutePath().getParent());
    }

    @Override
    public void populate(InventoryBuilder inventory) {
        Map<String, Object> listing = runForObject("--list");
        Set<String> hosts = new LinkedHashSet<>();
        Object meta = null;
        for (Map.Entry<String, Object> e : listing.entrySet()) {
            if (e.getKey().equals("_meta")) {
                if (e.getValue() instanceof Map<?, ?> m && m.containsKey("hostvars")) meta = m.get("hostvars");
            } else {
                group(inventory, e.getKey(), e.getValue(), hosts);
            }
        }
        for (String host : hosts) {
            Object vars;
            if (meta == null) {
                vars = runForObject("--host", host);
            } else if (meta instanceof Map<?, ?> m) {
                vars = m.get(host);
                if (vars == null) vars = Map.of();
            } else {
                throw new InventoryException(script + ": Improperly formatted host information for " + host + ": _meta.hostvars is not an object");
            }
            if (!(vars instanceof Map<?, ?> map)) {
                throw new InventoryException(script + ": variables of host " + host + " must be a JSON object, got: " + vars);
            }
            map.forEach((k, v) -> inventory.setHostVariable(host, String.valueOf(k), v));
        }
    }

    private void group(InventoryBuilder inventory, String group, Object data, Set<String> hosts) {
        inventory.addGroup(group);
        Map<?, ?> groupData;
        if (!(data instanceof Map<?, ?> m)) {
            groupData = Map.of("hosts", data == null ? List.of() : data);
        } else if (!m.containsKey("hosts") && !m.containsKey("vars") && !m.containsKey("children")) {
            // Ansible reads such an object as the variables of a host named like the group.
            Map<String, Object> simplified = new LinkedHashMap<>();
            simplified.put("hosts", List.of(group));
            simplified.put("vars", m);
            groupData = simplified;
        } else {
            groupData = m;
        }
        if (groupData.containsKey("hosts")) {
            if (!(groupData.get("hosts") instanceof List<?> list)) {
                throw new InventoryException(script + ": You defined a group '" + group + "' with bad data for the host list: " + data);
            }
            for (Object host : list) {
                if (!(host instanceof String name)) throw new InventoryException(script + ": host names must be strings, got " + host + " in group " + group);
                hosts.add(name);
                inventory.addHost(name, group, null);
            }
        }
        if (groupData.containsKey("vars")) {
            if (!(groupData.get("vars") instanceof Map<?, ?> vars)) {
                throw new InventoryException(script + ": You defined a group '" + group + "' with bad data for variables: " + data);
            }
            vars.forEach((k, v) -> inventory.setGroupVariable(group, String.valueOf(k), v));
        }
        if (groupData.get("children") instanceof Iterable<?> children) {
            for (Object child : children) {
                inventory.addGroup(String.valueOf(child));
                try {
                    inventory.addChild(group, String.valueOf(child));
                } catch (InventoryException e) {
                    throw new InventoryException(script + ": " + e.getMessage(), e);
                }
            }
        }
    }

    private Map<String, Object> runForObject(String... args) {
        List<String> command = new ArrayList<>();
        command.add(script.toAbsolutePath().toString());
        command.addAll(List.of(args));
        String shown = script + " " + String.join(" ", args);
        String stdout = run(command, shown);
        if (args[0].equals("--host") && stdout.isBlank()) return Map.of();
        try {
            Object parsed = JSON.readValue(stdout, Object.class);
            if (!(parsed instanceof Map<?, ?>)) {
                throw new InventoryException("failed to parse executable inventory script results from " + shown + ": needs to be a JSON object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) parsed;
            return map;
        } catch (JsonProcessingException e) {
            throw new InventoryException("failed to parse executable inventory script results from " + shown + ": "
                    + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
    }

    private static String run(List<String> command, String shown) {
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new InventoryException("problem running " + shown + ": " + e.getMessage(), e);
        }
        try {
            CompletableFuture<byte[]> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
            if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new InventoryException("Inventory script " + shown + " did not finish within " + TIMEOUT.toSeconds() + " s");
            }
            if (process.exitValue() != 0) {
                String err = new String(stderr.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8).strip();
                throw new InventoryException("Inventory script " + shown + " had an execution error (exit " + process.exitValue() + "): " + err);
            }
            return new String(stdout.get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new InventoryException("could not read the output of " + shown + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InventoryException("interrupted while running " + shown, e);
        } finally {
            process.destroyForcibly();
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}

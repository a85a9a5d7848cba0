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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * An executable inventory script, run with Ansible's dynamic-inventory protocol: {@code SCRIPT --list} prints
 * a JSON object of groups ({@code {"hosts": [...], "children": [...], "vars": {...}}}, or a bare host list)
 * and optionally {@code "_meta": {"hostvars": {HOST: {...}}}}; without {@code _meta}, {@code SCRIPT --host
 * HOST} is run for each host. Used for executable files given as sources, and by the {@code jplay.script}
 * plugin, which caches {@link #listing()}.
 */
public final class ScriptInventorySource implements InventorySource {
    static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path script;

    public ScriptInventorySource(Path script) {
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
        new AnsibleListing(script.toString()).populate(inventory, listing(), host -> Map.of());
    }

    /**
     * The script's {@code --list} output, with {@code _meta.hostvars} filled by running {@code --host HOST}
     * for each host if the script left it out: a complete listing, which can be cached.
     */
    public Map<String, Object> listing() {
        Map<String, Object> list = runForObject("--list");
        if (list.get("_meta") instanceof Map<?, ?> meta && meta.containsKey("hostvars")) return list;
        Map<String, Object> hostVars = new LinkedHashMap<>();
        new AnsibleListing(script.toString()).populate(new InventoryBuilder(), list, host -> {
            Map<String, Object> vars = runForObject("--host", host);
            hostVars.put(host, vars);
            return vars;
        });
        Map<String, Object> complete = new LinkedHashMap<>(list);
        complete.put("_meta", Map.of("hostvars", hostVars));
        return complete;
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

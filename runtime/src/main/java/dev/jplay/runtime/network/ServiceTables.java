package dev.jplay.runtime.network;

import dev.jplay.protocol.Json;
import dev.jplay.runtime.fs.HostCommand;
import dev.jplay.runtime.fs.HostTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The fleet services' nftables tables on this host, through the {@code nft} command: listed and read back from the
 * kernel ({@link InstalledService}), replaced and deleted each in one {@code nft -f} transaction
 * ({@link ServiceRuleset}). Only tables of family {@code ip} named {@code jplay-svc-*} are ever read or written.
 */
public final class ServiceTables {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final int STDERR_TAIL = 2000;

    private final HostTools tools;

    public ServiceTables() {
        this(HostTools.current());
    }

    ServiceTables(HostTools tools) {
        this.tools = tools;
    }

    /** True when the host has {@code nft}: without it, it has no service table jplay wrote. */
    public boolean available() {
        return tools.find("nft").isPresent();
    }

    /** The names of the services that have a table on this host, sorted. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (Object item : listOf(nft("-j", "list", "tables", "ip"))) {
            if (!(item instanceof Map<?, ?> entry) || !(entry.get("table") instanceof Map<?, ?> table)) continue;
            String name = String.valueOf(table.get("name"));
            if ("ip".equals(table.get("family")) && name.startsWith(FleetService.TABLE_PREFIX)) {
                String service = name.substring(FleetService.TABLE_PREFIX.length());
                if (FleetService.validName(service)) names.add(service);
            }
        }
        names.sort(null);
        return names;
    }

    /** The service's rules as the kernel has them; empty without its table, or when the table says no port. */
    public Optional<InstalledService> read(String name) {
        if (!names().contains(name)) return Optional.empty();
        return InstalledService.parse(name, listing(nft("-j", "list", "table", "ip", FleetService.tableOf(name))));
    }

    /** Replaces the service's table with its rules (creates it if missing), atomically. */
    public void apply(FleetService service) {
        load(ServiceRuleset.replace(service), service.name());
    }

    /** Removes the service's table (nothing when it is absent), atomically. */
    public void delete(String name) {
        load(ServiceRuleset.delete(name), name);
    }

    /** {@code nft -f FILE}: the file is one transaction, applied whole or not at all. */
    private void load(String ruleset, String service) {
        Path file = null;
        try {
            file = Files.createTempFile("jplay-svc-" + service + "-", ".nft");
            Files.writeString(file, ruleset, StandardCharsets.UTF_8);
            nft("-f", file.toString());
        } catch (IOException e) {
            throw new NetworkException(NetworkException.SERVICE_NFT_FAILED, "cannot write the rules of service " + service
                    + " to a temporary file: " + e.getMessage(), e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException ignored) {
                    // a few hundred bytes in the temporary directory
                }
            }
        }
    }

    private String nft(String... args) {
        Optional<Path> nft = tools.find("nft");
        if (nft.isEmpty()) {
            throw new NetworkException(NetworkException.SERVICE_NFT_MISSING, "the nft command is not installed (package nftables;"
                    + " `jplay setup --tools nft` installs it): fleet services are nftables rules").detail("package", "nftables");
        }
        List<String> command = new ArrayList<>(List.of(nft.get().toString()));
        command.addAll(List.of(args));
        HostCommand.Result r;
        try {
            r = HostCommand.run(command, TIMEOUT);
        } catch (HostCommand.Failed e) {
            throw new NetworkException(NetworkException.SERVICE_NFT_FAILED, e.getMessage()).detail("command", String.join(" ", command));
        }
        if (!r.ok()) {
            throw new NetworkException(NetworkException.SERVICE_NFT_FAILED, r.failure()).detail("command", String.join(" ", command))
                    .detail("exit_code", r.exit()).detail("stderr_tail", tail(r.stderr()));
        }
        return r.stdout();
    }

    private static Map<String, Object> listing(String json) {
        try {
            return Json.parseObject(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new NetworkException(NetworkException.SERVICE_NFT_FAILED, "nft -j printed no JSON object: " + e.getMessage(), e)
                    .detail("stdout_tail", tail(json));
        }
    }

    private static List<?> listOf(String json) {
        return listing(json).get("nftables") instanceof List<?> l ? l : List.of();
    }

    static String tail(String s) {
        return s.length() <= STDERR_TAIL ? s : "..." + s.substring(s.length() - STDERR_TAIL);
    }
}

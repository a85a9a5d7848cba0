package dev.jplay.runtime.network;

import dev.jplay.io.AtomicFiles;
import dev.jplay.protocol.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What jplay applied to the host's own network, outside any container, kept in the state directory because a reboot
 * wipes it from the kernel: the routes of each pool ({@code <state>/network/pool-routes/CIDR.json}, {@code /} written
 * {@code _}) and each fleet service ({@code <state>/network/services/NAME.json}). {@code pool_routes} and
 * {@code fleet_service} write a record when they apply and delete it when the routes or the service go; the boot
 * restore applies the records again through the same {@link PoolRouting} and {@link ServiceTables} calls. Each record
 * is one file written atomically and synced, so a reboot right after an apply finds the whole record or the old one.
 */
public final class HostNetworkRecords {
    private final Path pools;
    private final Path services;

    public HostNetworkRecords(Path stateDir) {
        Path root = stateDir.toAbsolutePath().normalize().resolve("network");
        this.pools = root.resolve("pool-routes");
        this.services = root.resolve("services");
    }

    /** A pool's routes as {@code pool_routes} made them: {@code routes}, plus whatever was there for {@code keep}. */
    public record PoolRecord(String cidr, List<RouteDiff.Route> routes, List<String> keep) {}

    public void recordPool(PoolRecord pool) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cidr", pool.cidr());
        List<Map<String, Object>> routes = new ArrayList<>();
        for (RouteDiff.Route r : pool.routes()) routes.add(Map.of("dst", r.dst(), "via", r.via()));
        m.put("routes", routes);
        m.put("keep", pool.keep());
        write(pools.resolve(pool.cidr().replace('/', '_') + ".json"), m);
    }

    public void forgetPool(String cidr) throws IOException {
        delete(pools.resolve(cidr.replace('/', '_') + ".json"));
    }

    public void recordService(FleetService s) throws IOException {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("port", s.port());
        m.put("target_port", s.targetPort());
        m.put("protocol", s.protocol());
        m.put("backends", s.backends());
        if (s.local()) m.put("traffic_policy", s.trafficPolicy()); // cluster's records stay as they were written
        write(services.resolve(s.name() + ".json"), m);
    }

    public void forgetService(String name) throws IOException {
        delete(services.resolve(name + ".json"));
    }

    /** The recorded pools, sorted by file name. */
    public List<PoolRecord> pools() throws IOException {
        List<PoolRecord> out = new ArrayList<>();
        for (Path file : files(pools)) {
            Map<String, Object> m = Json.parseObject(file);
            List<RouteDiff.Route> routes = new ArrayList<>();
            for (Object o : Json.list(m, "routes") == null ? List.of() : Json.list(m, "routes")) {
                Map<String, Object> r = Json.asObject(o);
                routes.add(new RouteDiff.Route(Json.string(r, "dst"), Json.string(r, "via")));
            }
            List<String> keep = Json.strings(m, "keep");
            out.add(new PoolRecord(Json.string(m, "cidr"), routes, keep == null ? List.of() : keep));
        }
        return out;
    }

    /** The recorded services, sorted by name. */
    public List<FleetService> services() throws IOException {
        List<FleetService> out = new ArrayList<>();
        for (Path file : files(services)) {
            Map<String, Object> m = Json.parseObject(file);
            List<String> backends = Json.strings(m, "backends");
            out.add(new FleetService(Json.string(m, "name"), ((Number) m.get("port")).intValue(),
                    ((Number) m.get("target_port")).intValue(), Json.string(m, "protocol"),
                    backends == null ? List.of() : backends, Json.string(m, "traffic_policy")));
        }
        return out;
    }

    /** Forgets every recorded pool and service (a host that leaves the fleet); true if there was any. */
    public boolean forgetAll() throws IOException {
        boolean any = false;
        for (Path file : files(pools)) {
            delete(file);
            any = true;
        }
        for (Path file : files(services)) {
            delete(file);
            any = true;
        }
        return any;
    }

    /** Whether anything is recorded: the boot unit stays while it is. */
    public boolean any() throws IOException {
        return !files(pools).isEmpty() || !files(services).isEmpty();
    }

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
    }

    private static void write(Path file, Map<String, Object> record) throws IOException {
        byte[] bytes = Json.writePretty(record);
        if (Files.isRegularFile(file) && java.util.Arrays.equals(Files.readAllBytes(file), bytes)) return; // a re-run syncs nothing
        Files.createDirectories(file.getParent());
        // Synced: a record written just before a reboot is what the boot reads.
        AtomicFiles.write(file, bytes, AtomicFiles.Option.SYNC_FILE, AtomicFiles.Option.SYNC_DIRECTORY);
    }

    private static void delete(Path file) throws IOException {
        if (Files.deleteIfExists(file)) AtomicFiles.fsyncDirectory(file.getParent());
    }
}

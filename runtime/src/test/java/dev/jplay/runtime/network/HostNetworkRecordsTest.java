package dev.jplay.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostNetworkRecordsTest {
    @TempDir Path state;

    @Test
    void poolsAndServicesAreReadBackAsRecordedAndForgotten() throws Exception {
        HostNetworkRecords records = new HostNetworkRecords(state);
        assertFalse(records.any());
        assertEquals(List.of(), records.pools());

        HostNetworkRecords.PoolRecord pool = new HostNetworkRecords.PoolRecord("10.77.0.0/24",
                List.of(new RouteDiff.Route("10.77.0.64/26", "192.168.1.12")), List.of("10.77.0.128/26"));
        records.recordPool(pool);
        FleetService web = new FleetService("web", 80, 8080, "tcp", List.of("10.77.0.5", "10.77.0.70"));
        records.recordService(web);
        records.recordService(new FleetService("dns", 53, 53, "udp", List.of()));
        FleetService api = new FleetService("api", 443, 8443, "tcp", List.of("10.77.0.6"), FleetService.LOCAL);
        records.recordService(api);
        assertTrue(Files.readString(state.resolve("network/services/api.json")).contains("\"traffic_policy\" : \"local\""));
        assertFalse(Files.readString(state.resolve("network/services/web.json")).contains("traffic_policy"),
                "cluster records are written as before policies existed");

        HostNetworkRecords again = new HostNetworkRecords(state); // what the boot reads
        assertTrue(again.any());
        assertEquals(List.of(pool), again.pools());
        assertEquals(List.of(api, new FleetService("dns", 53, 53, "udp", List.of()), web), again.services());
        records.forgetService("api");
        assertTrue(Files.isRegularFile(state.resolve("network/pool-routes/10.77.0.0_24.json")));
        assertTrue(Files.isRegularFile(state.resolve("network/services/web.json")));

        records.forgetService("dns");
        records.forgetService("dns"); // idempotent
        records.forgetPool("10.77.0.0/24");
        assertEquals(List.of(web), records.services());
        assertEquals(List.of(), records.pools());
        records.forgetService("web");
        assertFalse(records.any());
        try (Stream<Path> left = Files.walk(state.resolve("network"))) {
            assertEquals(List.of(), left.filter(Files::isRegularFile).toList(), "no temporary file left behind");
        }
    }

    @Test
    void anUnchangedRecordIsNotRewritten() throws Exception {
        HostNetworkRecords records = new HostNetworkRecords(state);
        FleetService web = new FleetService("web", 80, 8080, "tcp", List.of("10.77.0.5"));
        records.recordService(web);
        Path file = state.resolve("network/services/web.json");
        FileTime old = FileTime.fromMillis(1_000_000L);
        Files.setLastModifiedTime(file, old);
        records.recordService(web);
        assertEquals(old, Files.getLastModifiedTime(file));
        records.recordService(new FleetService("web", 80, 8080, "tcp", List.of("10.77.0.5", "10.77.0.6")));
        assertFalse(old.equals(Files.getLastModifiedTime(file)), "a new backend rewrites it");
    }
}

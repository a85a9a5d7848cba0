package dev.jplay.engine.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FleetStateStoreTest {
    private static FleetState state(String app, int n) {
        List<FleetState.Instance> instances = new ArrayList<>();
        for (int i = 0; i < n; i++) instances.add(new FleetState.Instance(app + "-" + i, i, "h" + (i % 3), "10.88.0." + (i + 2), 24, "10.88.0.1"));
        return new FleetState(FleetState.VERSION, app, new FleetState.PoolRef("web", "10.88.0.0/24", null), Map.of("h1", "10.88.0.16/28"), instances);
    }

    @Test
    void stateIsBesideThePlaybookUnlessTheOptionOrTheEnvironmentSaysOtherwise(@TempDir Path dir) {
        Path playbook = dir.resolve("deploy/site.yml");
        assertEquals(dir.resolve("deploy/.jplay/state"), FleetStateStore.locate(null, playbook, Map.of()));
        assertEquals(dir.resolve("deploy/.jplay/state"), FleetStateStore.locate(null, playbook, Map.of("JPLAY_STATE_DIR", " ")));
        assertEquals(Path.of("/srv/jplay/state"), FleetStateStore.locate(null, playbook, Map.of("JPLAY_STATE_DIR", "/srv/jplay")));
        assertEquals(Path.of("mine"), FleetStateStore.locate(Path.of("mine"), playbook, Map.of("JPLAY_STATE_DIR", "/srv/jplay")));
        assertEquals(Path.of("site.yml").toAbsolutePath().getParent().resolve(".jplay/state"),
                FleetStateStore.locate(null, Path.of("site.yml"), Map.of()), "a bare file name is in the working directory");
    }

    @Test
    void roundTrips(@TempDir Path dir) throws IOException {
        FleetStateStore store = new FleetStateStore(dir.resolve("state"));
        FleetState s = state("web", 5);
        store.save(s);
        assertEquals(s, store.load("web").orElseThrow());
        assertEquals(Map.of("web", s), store.loadAll());
        String json = Files.readString(dir.resolve("state/web.json"));
        assertTrue(json.contains("\"prefix_len\" : 24") && json.contains("\"version\" : 1"), json);
        assertTrue(store.load("db").isEmpty());
    }

    @Test
    void aServiceKeepsItsTrafficPolicyAndAStateWithoutOneReadsAsCluster(@TempDir Path dir) throws IOException {
        FleetStateStore store = new FleetStateStore(dir);
        FleetState local = state("web", 2).withService(new FleetState.Service("web", 80, 8080, "tcp", "local"));
        store.save(local);
        assertEquals(local, store.load("web").orElseThrow());
        assertTrue(Files.readString(dir.resolve("web.json")).contains("\"traffic_policy\" : \"local\""));

        FleetState cluster = state("api", 2).withService(new FleetState.Service("api", 80, 8080, "tcp"));
        store.save(cluster);
        String json = Files.readString(dir.resolve("api.json"));
        assertTrue(!json.contains("traffic_policy"), "the default is not written, so older states read the same: " + json);
        assertEquals(null, store.load("api").orElseThrow().service().trafficPolicy());
    }

    @Test
    void appWithoutPoolHasNoAddressFields(@TempDir Path dir) throws IOException {
        FleetStateStore store = new FleetStateStore(dir);
        FleetState s = new FleetState(1, "batch", null, Map.of(), List.of(new FleetState.Instance("batch-0", 0, "h1", null, null, null)));
        store.save(s);
        assertEquals(s, store.load("batch").orElseThrow());
        assertTrue(!Files.readString(dir.resolve("batch.json")).contains("\"ip\""));
    }

    @Test
    void writesAreAtomicForConcurrentReaders(@TempDir Path dir) throws Exception {
        FleetStateStore store = new FleetStateStore(dir);
        store.save(state("web", 10));
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            while (!done.get()) {
                try {
                    int n = store.load("web").orElseThrow().instances().size();
                    if (n != 10 && n != 200) throw new AssertionError("torn read: " + n);
                    reads.incrementAndGet();
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }
        });
        reader.start();
        for (int k = 0; k < 60; k++) store.save(state("web", k % 2 == 0 ? 200 : 10));
        done.set(true);
        reader.join();
        if (failure.get() != null) throw new AssertionError("a reader saw a partial file", failure.get());
        assertTrue(reads.get() > 0);
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(dir.resolve("web.json")), files.toList(), "no temporary files are left");
        }
    }

    @Test
    void unknownVersionAndCorruptFilesAreErrorsNamingTheFile(@TempDir Path dir) throws IOException {
        FleetStateStore store = new FleetStateStore(dir);
        Files.writeString(dir.resolve("web.json"), "{\"version\": 2, \"app\": \"web\"}");
        FleetStateException v = assertThrows(FleetStateException.class, () -> store.load("web"));
        assertTrue(v.getMessage().contains("web.json") && v.getMessage().contains("version 2"), v.getMessage());
        Files.writeString(dir.resolve("web.json"), "{\"version\": 1, \"app\": \"web\", \"instances\": [");
        FleetStateException c = assertThrows(FleetStateException.class, () -> store.load("web"));
        assertTrue(c.getMessage().contains("web.json"), c.getMessage());
        assertThrows(FleetStateException.class, () -> store.fileOf("../etc"));
    }
}

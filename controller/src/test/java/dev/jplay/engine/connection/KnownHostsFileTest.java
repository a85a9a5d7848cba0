package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownHostsFileTest {
    @TempDir
    Path dir;

    @Test
    void usesOpenSshHostPatterns() {
        assertEquals("10.0.0.1", KnownHostsFile.hostPattern("10.0.0.1", 22));
        assertEquals("[10.0.0.1]:2222", KnownHostsFile.hostPattern("10.0.0.1", 2222));
    }

    @Test
    void parallelAppendsKeepEveryLineIntact() throws Exception {
        Path file = Files.writeString(dir.resolve("known_hosts"), "existing ssh-ed25519 AAAA"); // no final newline
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            String line = "10.0.0." + i + " ssh-ed25519 " + "K".repeat(200) + i;
            done.add(pool.submit(() -> {
                KnownHostsFile.append(file, line);
                return null;
            }));
        }
        for (Future<?> f : done) f.get();
        pool.shutdown();
        List<String> lines = Files.readAllLines(file);
        assertEquals(65, lines.size());
        assertEquals("existing ssh-ed25519 AAAA", lines.get(0));
        assertEquals(65, new HashSet<>(lines).size());
        for (String l : lines.subList(1, 65)) assertTrue(l.matches("10\\.0\\.0\\.\\d+ ssh-ed25519 K{200}\\d+"), l);
    }
}

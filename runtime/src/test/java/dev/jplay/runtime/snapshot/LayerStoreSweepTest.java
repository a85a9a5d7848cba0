package dev.jplay.runtime.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.fs.TempTrees;
import dev.jplay.runtime.unpack.TarBuilder;
import dev.jplay.runtime.unpack.UnpackLimits;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an agent killed mid-unpack leaves behind, and who may delete it. */
class LayerStoreSweepTest {
    private static final String GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";

    @TempDir
    Path root;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killAll() {
        processes.forEach(Process::destroyForcibly);
    }

    private Process stalledUnpack() throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), UnpackThatHangs.class.getName(),
                root.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        processes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("stalled", out.readLine(), "the helper reached the stall");
        return p;
    }

    private List<String> tmpEntries() throws Exception {
        try (Stream<Path> s = Files.list(root.resolve("tmp"))) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aLiveUnpackInAnotherProcessIsKeptAndAKilledOnesTreeIsReclaimed() throws Exception {
        Process agent = stalledUnpack();
        LayerStore store = new LayerStore(root);
        List<String> during = tmpEntries();
        assertEquals(2, during.size(), "tree and its lock file: " + during);

        assertEquals(0, store.sweepTemp(), "the other agent is alive: nothing is its garbage");
        assertEquals(during, tmpEntries());

        agent.destroyForcibly();
        assertTrue(agent.waitFor(10, TimeUnit.SECONDS));
        long reclaimed = store.sweepTemp();
        assertTrue(reclaimed > 1 << 20, "the half-written 4 MiB file counts: " + reclaimed);
        assertEquals(List.of(), tmpEntries());

        byte[] tar = UnpackThatHangs.tar();
        byte[] blob = TarBuilder.gzip(tar);
        Path fs = store.ensure(TarBuilder.diffId(tar), GZIP, () -> new ByteArrayInputStream(blob), UnpackLimits.defaults());
        assertEquals("after", Files.readString(fs.resolve("data/after")));
        assertEquals(List.of(), tmpEntries(), "a finished unpack leaves nothing in tmp");
    }

    @Test
    void aSweepInTheOwnersJvmKeepsTheOwnersLockForOtherProcesses() throws Exception {
        // POSIX drops a process's locks on a file when any descriptor of it closes: a sweep that opened our own lock
        // file to try it would free it, and the next agent's sweep would delete a tree we still work in.
        TempTrees temps = new TempTrees(root.resolve("tmp"));
        try (TempTrees.Reservation mine = temps.reserve("mine-")) {
            Files.createDirectories(mine.path().resolve("fs"));
            Files.write(mine.path().resolve("fs/file"), new byte[1000]);
            assertEquals(0, temps.sweep(), "our own tree, from our own JVM");
            Process other = stalledUnpack(); // a killed agent's garbage beside ours, so the sweeper has work to show
            other.destroyForcibly();
            other.waitFor(10, TimeUnit.SECONDS);
            Process sweeper = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), SweepOnce.class.getName(), root.resolve("tmp").toString())
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            processes.add(sweeper);
            String printed = new String(sweeper.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            assertTrue(sweeper.waitFor(30, TimeUnit.SECONDS));
            assertTrue(Long.parseLong(printed) > 0, "the killed agent's tree went: " + printed);
            assertTrue(Files.isRegularFile(mine.path().resolve("fs/file")), "ours stayed");
        }
        assertEquals(List.of(), tmpEntries(), "closing a reservation removes its tree and lock file");
    }

    /** Another agent's sweep, in its own JVM; prints the bytes it reclaimed. */
    public static final class SweepOnce {
        public static void main(String[] args) throws Exception {
            System.out.println(new TempTrees(Path.of(args[0])).sweep());
        }
    }
}

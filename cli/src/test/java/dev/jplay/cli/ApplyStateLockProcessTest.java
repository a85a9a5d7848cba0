package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.fleet.FleetState;
import dev.jplay.engine.fleet.FleetStateStore;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.schedule.FleetStateLock;
import dev.jplay.engine.schedule.ProcessLock;
import dev.jplay.testing.JavaProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concurrent {@code jplay apply} processes on one fleet state (local connection: the lock is the controller's).
 * Two apps lease replica addresses from one pool: without the lock both would plan from the same empty state and
 * hand out the same addresses.
 */
class ApplyStateLockProcessTest {
    @TempDir Path dir;
    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void killEverythingStarted() {
        for (ProcessHandle p : started) JavaProcess.killTree(p);
    }

    /** A playbook for {@code app}: 3 replicas from pool p; its task waits for the file {@code gate} (at most 60 s). */
    private Path playbook(String app, String gate) throws IOException {
        Path pb = dir.resolve("project").resolve(app + ".yml");
        Files.createDirectories(pb.getParent());
        String wait = gate == null ? "true"
                : "sh -c 'i=0; while [ ! -f " + dir.resolve(gate) + " ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done'";
        Files.writeString(pb, """
                - hosts: web
                  replicas: {app: %s, count: 3, pool: p, max_per_host: 10}
                  vars:
                    jplay_ip_pools:
                      p: {cidr: 10.91.0.0/24}
                  tasks:
                    - name: hold
                      command: "%s"
                """.formatted(app, wait.replace("\"", "\\\"")));
        return pb;
    }

    /** {@code jplay apply}, started from a directory of its own: the state must not follow the working directory. */
    private Process apply(String log, Path playbook, String... extra) throws IOException {
        Path cwd = Files.createDirectories(dir.resolve("cwd-" + log));
        Path inv = dir.resolve("project/hosts.ini");
        if (!Files.exists(inv)) Files.writeString(inv, "[web]\nweb1 ansible_connection=local\nweb2 ansible_connection=local\n");
        List<String> args = new ArrayList<>(List.of("apply", playbook.toString(), "-i", inv.toString()));
        args.addAll(List.of(extra));
        Process p = JavaProcess.builder(cwd, "dev.jplay.cli.Main", args.toArray(String[]::new))
                .redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile()).start();
        started.add(p.toHandle());
        return p;
    }

    private static void await(BooleanSupplier condition, String what, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("no " + what + " within 90 s; log:\n" + Files.readString(log));
    }

    private static Optional<ProcessLock.Holder> holder(Path lock) {
        try {
            return ProcessLock.holder(lock);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Test
    void aSecondApplyFailsAtOnceNamingTheHolderOrWaitsForItAndNoAddressIsLeasedTwice() throws Exception {
        Path state = dir.resolve("project/.jplay/state");
        Path lock = FleetStateLock.fileOf(state);
        Process first = apply("first.log", playbook("a", "go"));
        await(() -> holder(lock).map(h -> h.process() != null && h.process().pid() == first.pid()).orElse(false),
                "lock held by the first apply", dir.resolve("first.log"));
        ProcessLock.Holder held = ProcessLock.holder(lock).orElseThrow();
        assertEquals("apply", held.owner());

        // Without --lock-timeout: fails at once, naming who holds the state and since when.
        Process refused = apply("refused.log", playbook("b", null));
        assertTrue(refused.waitFor(60, TimeUnit.SECONDS), "a refused apply does not wait");
        String refusal = Files.readString(dir.resolve("refused.log"));
        assertEquals(ExitCodes.STATE_LOCKED, refused.exitValue(), refusal);
        assertTrue(refusal.contains("jplay: fleet state " + lock + " is locked by apply run " + held.runId() + " ("
                + System.getProperty("user.name") + "@" + held.process().host() + " pid " + first.pid() + ") since " + held.since()
                + "; waited "), refusal);
        assertTrue(first.isAlive(), "the holder goes on");

        // With --lock-timeout: waits, then runs once the holder is done.
        Process waiting = apply("waiting.log", playbook("b", null), "--lock-timeout", "2m");
        await(() -> {
            try {
                return Files.readString(dir.resolve("waiting.log")).contains("waiting up to 2m");
            } catch (IOException e) {
                return false;
            }
        }, "announced wait", dir.resolve("waiting.log"));
        assertTrue(waiting.isAlive(), "waits while the state is held");
        Files.writeString(dir.resolve("go"), "");
        assertTrue(first.waitFor(90, TimeUnit.SECONDS));
        assertEquals(0, first.exitValue(), Files.readString(dir.resolve("first.log")));
        assertTrue(waiting.waitFor(90, TimeUnit.SECONDS));
        assertEquals(0, waiting.exitValue(), Files.readString(dir.resolve("waiting.log")));

        FleetStateStore store = new FleetStateStore(state);
        FleetState a = store.load("a").orElseThrow(() -> new AssertionError("no state for a beside the playbook"));
        FleetState b = store.load("b").orElseThrow(() -> new AssertionError("no state for b beside the playbook"));
        Set<String> ips = new HashSet<>();
        for (FleetState s : List.of(a, b)) {
            assertEquals(3, s.instances().size(), s.toString());
            for (FleetState.Instance i : s.instances()) assertTrue(ips.add(i.ip()), "address " + i.ip() + " leased twice: " + a + " " + b);
        }
        assertTrue(ProcessLock.holder(lock).isEmpty(), "released after the runs");
        for (String log : List.of("first", "refused", "waiting")) {
            assertTrue(Files.notExists(dir.resolve("cwd-" + log + ".log/.jplay/state")), "no state in the working directory of " + log);
        }
    }
}

package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.reports.RunReport;
import dev.jplay.testing.JavaProcess;
import dev.jplay.testing.RegistryServer;
import dev.jplay.testing.TestFleet;
import dev.jplay.testing.TestImages;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container logs on real sshd hosts through the real agent, runc and the Perl log writer: a capped log rotates at
 * its size; {@code jplay logs -f} (a process, its stdout read as a user's terminal would) follows 20 instances over
 * 4 hosts while a rolling update replaces them all, lines of old and new instances in time order with the right
 * host and instance; a host whose link is cut is announced, and followed again (no line lost) when it is back.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LogsFleetIT {
    static final String BRIDGE = "10.213.0.1"; // test-fleet/fleet.sh's bridge: the hosts reach the registry here
    static final int HOSTS = 4;
    static final int REPLICAS = 20;
    /** "2026-...Z host inst | v1 host inst line 7" */
    static final Pattern LINE = Pattern.compile("(\\S+) (\\S+) (\\S+) \\| (v\\d) (\\S+) (\\S+) line (\\d+)");

    static TestFleet fleet;
    static RegistryServer registry;
    static TestImages.Pushed image;
    static FleetRuns runs;
    static Path work;

    @BeforeAll
    static void up(@TempDir Path dir) throws Exception {
        work = dir;
        fleet = TestFleet.start(LogsFleetIT.class, HOSTS);
        registry = RegistryServer.start(dir.resolve("registry"), BRIDGE);
        image = TestImages.pushBusybox(registry, "logs/app:1", "x\n");
        runs = new FleetRuns(fleet, dir);
    }

    @AfterAll
    static void down() throws Exception {
        try {
            if (fleet != null && runs != null) {
                for (int i = 1; i <= HOSTS; i++) fleet.setLink(i, true);
                runs.apply(runs.playbook("zero.yml", playbook("v1", 0)));
                runs.apply(runs.playbook("chatty-gone.yml", """
                        - hosts: %s
                          tasks:
                            - container: {name: chatty, state: absent}
                        """.formatted(fleet.name(1))));
            }
        } finally {
            if (registry != null) registry.close();
            if (fleet != null) fleet.close();
        }
    }

    static String playbook(String version, int count) {
        return """
                - hosts: all
                  serial: 1
                  replicas: {app: web, count: %d}
                  tasks:
                    - name: web instances
                      container:
                        name: "{{ instance.name }}"
                        image: %s
                        insecure: true
                        restart_policy: always
                        stop_timeout: 1
                        command: [sh, -c, "i=0; while true; do echo %s {{ inventory_hostname }} {{ instance.name }} line $i; i=$((i+1)); sleep 0.2; done"]
                      loop: "{{ jplay_instances }}"
                      loop_control: {loop_var: instance}
                    - container: {name: "{{ gone.name }}", state: absent}
                      loop: "{{ jplay_removed_instances }}"
                      loop_control: {loop_var: gone}
                """.formatted(count, image.reference(), version);
    }

    @Test
    @Order(1)
    void aCappedLogRotatesAtItsSize() throws Exception {
        RunReport r = runs.apply(runs.playbook("chatty.yml", """
                - hosts: %s
                  tasks:
                    - container:
                        name: chatty
                        image: %s
                        insecure: true
                        log_driver: json-file
                        log_options: {max-size: 64k, max-file: 3}
                        command: [sh, -c, "i=0; while [ $i -lt 6000 ]; do echo chatty line $i; i=$((i+1)); done; sleep 3600"]
                """.formatted(fleet.name(1), image.reference())));
        assertEquals(0, r.exitCode(), () -> "failures: " + r.failures());
        String log = "/root/.jplay/state/containers/chatty/chatty-json.log";
        FleetRuns.await("the log rotated twice", Duration.ofSeconds(60),
                () -> fleet.exec(1, "sh", "-c", "ls " + log + "* | wc -l").trim().equals("3")
                        && fleet.exec(1, "sh", "-c", "grep -c 'chatty line 5999' " + log + " || true").trim().equals("1"));
        String sizes = fleet.exec(1, "sh", "-c", "for f in " + log + " " + log + ".1 " + log + ".2; do stat -c %s $f; done; ls " + log + ".3 2>&1 || true");
        String[] lines = sizes.split("\n");
        long current = Long.parseLong(lines[0].trim());
        long first = Long.parseLong(lines[1].trim());
        long second = Long.parseLong(lines[2].trim());
        System.out.printf("[figures] 6000 lines, max-size 64k max-file 3: files of %d, %d, %d bytes%n", second, first, current);
        assertTrue(first >= 64 * 1024 && first < 64 * 1024 + 1024, "rotated once past max-size: " + first);
        assertTrue(second >= 64 * 1024 && second < 64 * 1024 + 1024, "rotated once past max-size: " + second);
        assertTrue(current < 64 * 1024, "the current file is under max-size: " + current);
        assertTrue(lines[3].contains("No such file"), "never more than max-file files: " + lines[3]);

        // jplay logs reads the kept files back, oldest first, and --tail takes the end of them.
        Cli out = Cli.run("logs", "-i", fleet.inventoryYaml().toString(), "--known-hosts", fleet.knownHosts().toString(), "--tail", "3", "chatty");
        assertEquals(0, out.code, out.err);
        assertEquals(List.of(fleet.name(1) + " chatty | chatty line 5997", fleet.name(1) + " chatty | chatty line 5998",
                fleet.name(1) + " chatty | chatty line 5999"), out.lines());
        Cli json = Cli.run("logs", "-i", fleet.inventoryYaml().toString(), "--known-hosts", fleet.knownHosts().toString(), "-n", "1", "--json", "chatty");
        assertTrue(json.out.matches("\\{\"time\":\"[^\"]+Z\",\"host\":\"" + fleet.name(1) + "\",\"instance\":\"chatty\",\"stream\":\"stdout\",\"log\":\"chatty line 5999\"}\n"), json.out);
    }

    @Test
    @Order(2)
    void followsTwentyInstancesOverFourHostsThroughARollingUpdateAndAHostThatDropsOut() throws Exception {
        RunReport v1 = runs.apply(runs.playbook("v1.yml", playbook("v1", REPLICAS)));
        assertEquals(0, v1.exitCode(), () -> "failures: " + v1.failures());
        String cut = fleet.name(2);
        Instant cutAt = null;
        Instant backAt = null;
        Follower follower = Follower.start("logs", "-i", fleet.inventoryYaml().toString(), "--known-hosts", fleet.knownHosts().toString(),
                "--connect-timeout", "2", "-f", "-t", "web");
        try {
            FleetRuns.await("v1 lines of all " + REPLICAS + " instances", Duration.ofSeconds(60), () -> follower.instances("v1").size() == REPLICAS);

            // A rolling update, one host at a time: every instance recreated with v2.
            RunReport v2 = runs.apply(runs.playbook("v2.yml", playbook("v2", REPLICAS)));
            assertEquals(0, v2.exitCode(), () -> "failures: " + v2.failures());
            FleetRuns.await("v2 lines of all " + REPLICAS + " instances", Duration.ofSeconds(60), () -> follower.instances("v2").size() == REPLICAS);

            // Host 2 drops out: announced; its instances keep writing; when it is back, nothing of that is lost.
            cutAt = Instant.now();
            fleet.setLink(2, false);
            FleetRuns.await("the cut host announced", Duration.ofSeconds(60), () -> follower.stderr().stream()
                    .anyMatch(l -> l.startsWith("-- " + cut + " unreachable: ") && l.endsWith("; retrying")));
            int beforeBack = follower.lines().size();
            fleet.setLink(2, true);
            FleetRuns.await("the host followed again", Duration.ofSeconds(90),
                    () -> follower.stderr().contains("-- " + cut + " back: following again"));
            backAt = Instant.now();
            FleetRuns.await("lines of the host written while it was cut off", Duration.ofSeconds(30),
                    () -> follower.lines().subList(beforeBack, follower.lines().size()).stream().anyMatch(l -> l.contains(" " + cut + " ")));
        } finally {
            follower.interrupt();
        }
        assertEquals(130, follower.exitCode(), "Ctrl-C ends -f as docker logs -f: " + follower.stderr());

        List<String> lines = follower.lines();
        Map<String, List<Integer>> numbers = new TreeMap<>();
        Instant previous = Instant.MIN;
        List<String> outOfOrder = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            assertTrue(m.matches(), "every line is 'TIME HOST INSTANCE | text': " + line);
            assertEquals(m.group(5), m.group(2), "the host prefix is where the line came from: " + line);
            assertEquals(m.group(6), m.group(3), "the instance prefix is the instance that wrote it: " + line);
            Instant time = Instant.parse(m.group(1));
            // The lines a cut-off host wrote meanwhile can only come when it is back, after the others' later lines.
            boolean writtenWhileCut = m.group(2).equals(cut) && !time.isBefore(cutAt.minusSeconds(2)) && !time.isAfter(backAt);
            if (time.isBefore(previous) && !writtenWhileCut) outOfOrder.add(line + " after " + previous);
            previous = time.isAfter(previous) ? time : previous;
            numbers.computeIfAbsent(m.group(3) + " " + m.group(4), k -> new ArrayList<>()).add(Integer.parseInt(m.group(7)));
        }
        assertEquals(List.of(), outOfOrder.subList(0, Math.min(5, outOfOrder.size())), "merged in time order (" + outOfOrder.size() + " not)");
        Set<String> instances = new TreeSet<>();
        for (Map.Entry<String, List<Integer>> e : numbers.entrySet()) {
            List<Integer> n = e.getValue();
            for (int i = 1; i < n.size(); i++) {
                assertEquals(n.get(i - 1) + 1, n.get(i), "no line of " + e.getKey() + " lost or repeated (a cut host's included)");
            }
            assertEquals(0, n.get(0), e.getKey() + " shown from its first line");
            instances.add(e.getKey().split(" ")[0]);
        }
        assertEquals(REPLICAS, instances.size());
        System.out.printf("[figures] followed %d lines of %d instances over %d hosts%n", lines.size(), REPLICAS, HOSTS);
    }

    // ---- the CLI as a process ----

    record Cli(int code, String out, String err) {
        List<String> lines() { return out.isEmpty() ? List.of() : List.of(out.split("\n")); }

        static Cli run(String... args) throws Exception {
            Process p = JavaProcess.builder(work, "dev.jplay.cli.Main", args).start();
            p.getOutputStream().close();
            var out = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            var err = java.util.concurrent.CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "jplay logs ended");
            return new Cli(p.exitValue(), out.get(), err.get());
        }

        private static String read(java.io.InputStream in) {
            try {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /** {@code jplay logs -f} running, its stdout and stderr collected line by line as they come. */
    static final class Follower {
        final Process process;
        final List<String> out = Collections.synchronizedList(new ArrayList<>());
        final List<String> err = Collections.synchronizedList(new ArrayList<>());
        final List<Thread> readers = new ArrayList<>();

        private Follower(Process process) {
            this.process = process;
            readers.add(reader(process.getInputStream(), out));
            readers.add(reader(process.getErrorStream(), err));
        }

        static Follower start(String... args) throws Exception {
            Process p = JavaProcess.builder(work, "dev.jplay.cli.Main", args).start();
            p.getOutputStream().close();
            return new Follower(p);
        }

        private static Thread reader(java.io.InputStream in, List<String> into) {
            Thread t = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) into.add(line);
                } catch (java.io.IOException ended) {
                    // the process ended
                }
            });
            t.setDaemon(true);
            t.start();
            return t;
        }

        List<String> lines() { synchronized (out) { return new ArrayList<>(out); } }

        List<String> stderr() { synchronized (err) { return new ArrayList<>(err); } }

        /** Instances that printed a line of this version. */
        Set<String> instances(String version) {
            Set<String> seen = new TreeSet<>();
            for (String line : lines()) {
                Matcher m = LINE.matcher(line);
                if (m.matches() && m.group(4).equals(version)) seen.add(m.group(3));
            }
            return seen;
        }

        /** Ctrl-C. */
        void interrupt() throws Exception {
            new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start().waitFor();
        }

        int exitCode() throws Exception {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                JavaProcess.killTree(process.toHandle());
                throw new AssertionError("jplay logs -f did not end on Ctrl-C");
            }
            for (Thread t : readers) t.join(5000);
            return process.exitValue();
        }
    }
}

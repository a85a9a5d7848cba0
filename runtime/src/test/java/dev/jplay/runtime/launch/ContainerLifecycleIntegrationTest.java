package dev.jplay.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.jplay.protocol.Step;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** Real runc, real cgroups, a busybox rootfs. Needs root. */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class ContainerLifecycleIntegrationTest {

    @TempDir Path tmp;
    private Path stateDir;
    private RuncRuntime runtime;
    private ContainerLifecycle manager;
    private final List<String> names = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        stateDir = Files.createDirectories(tmp.resolve("state"));
        runtime = RuncRuntime.under(stateDir);
        manager = new ContainerLifecycle(stateDir, runtime);
    }

    @AfterEach
    void cleanUp() {
        for (String name : names) {
            try {
                manager.ensureAbsent(name);
            } catch (RuntimeException e) {
                System.err.println("cleanup of " + name + " failed: " + e.getMessage());
                try {
                    runtime.delete(name, true);
                } catch (RuntimeException ignored) {
                    // best effort
                }
            }
        }
    }

    private ContainerSpec.Builder spec(String name) {
        names.add(name);
        return ContainerSpec.builder(name).stopTimeout(1);
    }

    private ContainerImage image(String name) throws IOException {
        return new ContainerImage("sha256:test-" + name, ImageConfig.EMPTY, BusyboxRootfs.create(tmp.resolve("rootfs-" + name)));
    }

    @Test
    void httpdOnHostNetworkServesFileAndLeavesNothingBehindWhenAbsent() throws Exception {
        int port = freePort();
        ContainerImage image = image("web");
        String token = "hello-from-jplay-" + System.nanoTime();
        BusyboxRootfs.write(image.rootfs().resolve("www/index.html"), token);
        ContainerSpec spec = spec("web").command("httpd", "-f", "-p", "127.0.0.1:" + port, "-h", "/www")
                .networkMode(NetworkMode.HOST).build();

        long t0 = System.nanoTime();
        ContainerResult started = manager.ensureStarted(spec, image);
        long coldStartMs = (System.nanoTime() - t0) / 1_000_000;

        assertTrue(started.changed());
        ContainerStatus status = started.status();
        assertEquals(ContainerState.RUNNING, status.state());
        assertNotNull(status.pid());
        assertTrue(Files.exists(Path.of("/proc", status.pid().toString())), "container pid is a live host process");
        assertEquals("runc", status.runtime());
        assertEquals(runtime.version().version(), status.runtimeVersion());
        assertNotNull(status.startedAt());
        if (CveAdvisor.compare(runtime.version().upstream(), "1.1.12") < 0) {
            assertTrue(started.warnings().stream().anyMatch(w -> w.contains("CVE-2024-21626")), started.warnings().toString());
        }

        String body = httpGet("http://127.0.0.1:" + port + "/index.html");
        assertEquals(token, body);

        // The supervisor is in its own session, not a child of this JVM: it survives the agent exiting.
        long supervisor = Long.parseLong(Files.readString(manager.containerDir("web").resolve("supervisor.pid")).trim());
        String[] stat = procStat(supervisor);
        assertNotEquals(String.valueOf(ProcessHandle.current().pid()), stat[1], "parent pid");
        assertEquals(String.valueOf(supervisor), stat[3], "supervisor leads its own session");

        long t1 = System.nanoTime();
        ContainerResult absent = manager.ensureAbsent("web");
        long absentMs = (System.nanoTime() - t1) / 1_000_000;
        assertTrue(absent.changed());
        assertEquals(ContainerState.ABSENT, absent.status().state());
        assertEquals(List.of(), runtime.list(), "runc state left in " + runtime.root());
        assertFalse(Files.exists(manager.containerDir("web")));
        assertFalse(ContainerSupervisor.isRunning(supervisor), "supervisor still running");
        assertFalse(ContainerSupervisor.isRunning(status.pid()), "container process still running");
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/memory", OciConfigGenerator.cgroupsPath("web"))), "cgroup left");
        assertEquals(List.of(), processesMentioning(stateDir.toString()));
        assertFalse(manager.ensureAbsent("web").changed());
        System.out.printf("[measure] httpd cold start (ensureStarted until running) %d ms; ensureAbsent (SIGTERM ignored by pid 1, 1 s grace) %d ms%n",
                coldStartMs, absentMs);
    }

    @Test
    void coldStartAndGracefulStopTimes() throws Exception {
        ContainerImage image = image("timing");
        ContainerSpec spec = spec("timing")
                .command("sh", "-c", "trap 'exit 0' TERM; echo ready; while :; do sleep 0.05; done").build();
        List<Long> starts = new ArrayList<>();
        List<Long> stops = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            ContainerResult started = manager.ensureStarted(spec, image);
            starts.add((System.nanoTime() - t0) / 1_000_000);
            assertEquals(ContainerState.RUNNING, started.status().state());
            int expectedReady = i + 1; // wait for the trap to be installed, or SIGTERM hits pid 1 with no handler
            await("trap installed", Duration.ofSeconds(5),
                    () -> manager.logs("timing", 10_000).stdout().split("ready", -1).length - 1 == expectedReady);
            long t1 = System.nanoTime();
            ContainerResult stopped = manager.ensureStopped("timing");
            stops.add((System.nanoTime() - t1) / 1_000_000);
            assertTrue(stopped.changed());
            assertEquals(ContainerState.STOPPED, stopped.status().state());
            assertEquals(0, stopped.status().exitCode(), "trap handled SIGTERM and exited 0");
        }
        System.out.println("[measure] cold start ms " + starts + ", graceful stop ms " + stops);
    }

    @Test
    void exitCodeIsRecordedAndContainerReportsStopped() throws Exception {
        ContainerSpec spec = spec("exit3").command("sh", "-c", "echo out; echo err >&2; exit 3").build();
        manager.ensureStarted(spec, image("exit3"));
        ContainerStatus status = awaitState("exit3", ContainerState.STOPPED);
        assertEquals(3, status.exitCode());
        assertNull(status.pid());
        assertNotNull(status.finishedAt());
        assertFalse(status.finishedAt().isBefore(status.startedAt()));
        ContainerLogs logs = manager.logs("exit3", 1000);
        assertEquals("out\n", logs.stdout());
        assertEquals("err\n", logs.stderr());
        assertEquals(List.of(), runtime.list(), "runc run removes the container after exit");
    }

    @Test
    void containerGetsItsOwnHostnameHostsAndResolvConf() throws Exception {
        // Its own network namespace (none): localhost + its hostname, and the host's non-loopback resolvers.
        ContainerSpec own = spec("etc-own").hostname("app-1")
                .command("sh", "-c", "cat /etc/hostname; echo ---; cat /etc/hosts; echo ---; cat /etc/resolv.conf; echo ---; hostname").build();
        manager.ensureStarted(own, image("etc-own"));
        awaitState("etc-own", ContainerState.STOPPED);
        String[] parts = manager.logs("etc-own", 10_000).stdout().split("---\n");
        assertEquals("app-1\n", parts[0]);
        assertEquals(EtcFiles.hosts("app-1"), parts[1]);
        String hostResolv = Files.exists(EtcFiles.HOST_RESOLV_CONF) ? Files.readString(EtcFiles.HOST_RESOLV_CONF) : "";
        String systemd = Files.exists(EtcFiles.SYSTEMD_RESOLV_CONF) ? Files.readString(EtcFiles.SYSTEMD_RESOLV_CONF) : null;
        assertEquals(EtcFiles.resolvConf(hostResolv, systemd, true), parts[2]);
        assertFalse(parts[2].contains("nameserver 127."), parts[2]);
        assertEquals("app-1\n", parts[3]);

        // Host network: the host's own files. A task's mount of /etc/hosts wins over the generated one.
        Path myHosts = Files.writeString(tmp.resolve("my-hosts"), "10.0.0.9 db\n");
        ContainerSpec host = spec("etc-host").networkMode(NetworkMode.HOST).mount(myHosts.toString(), "/etc/hosts", true)
                .command("sh", "-c", "cat /etc/resolv.conf; echo ---; cat /etc/hosts").build();
        manager.ensureStarted(host, image("etc-host"));
        awaitState("etc-host", ContainerState.STOPPED);
        String[] hostParts = manager.logs("etc-host", 10_000).stdout().split("---\n");
        assertEquals(hostResolv, hostParts[0]);
        assertEquals("10.0.0.9 db\n", hostParts[1]);
    }

    @Test
    void onFailureRestartsUpToRetries() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data-onfail"));
        ContainerSpec spec = spec("onfail").command("sh", "-c", "echo run >> /data/starts; exit 1")
                .mount(data.toString(), "/data", false)
                .restartPolicy(RestartPolicy.ON_FAILURE).restartRetries(2).build();
        manager.ensureStarted(spec, image("onfail"));
        ContainerStatus status = awaitSupervisorDone("onfail");
        assertEquals(3, lines(data.resolve("starts")), "first run + 2 restarts");
        assertEquals(ContainerState.STOPPED, status.state());
        assertEquals(1, status.exitCode());
        assertEquals(2, status.restartCount());
    }

    @Test
    void onFailureDoesNotRestartAfterSuccess() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data-onok"));
        ContainerSpec spec = spec("onok").command("sh", "-c", "echo run >> /data/starts; exit 0")
                .mount(data.toString(), "/data", false).restartPolicy(RestartPolicy.ON_FAILURE).build();
        manager.ensureStarted(spec, image("onok"));
        ContainerStatus status = awaitSupervisorDone("onok");
        Thread.sleep(500);
        assertEquals(1, lines(data.resolve("starts")));
        assertEquals(0, status.exitCode());
    }

    @Test
    void policyNoDoesNotRestart() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data-no"));
        ContainerSpec spec = spec("norestart").command("sh", "-c", "echo run >> /data/starts; exit 1")
                .mount(data.toString(), "/data", false).restartPolicy(RestartPolicy.NO).build();
        manager.ensureStarted(spec, image("norestart"));
        awaitSupervisorDone("norestart");
        Thread.sleep(500);
        assertEquals(1, lines(data.resolve("starts")));
        assertEquals(1, manager.status("norestart").exitCode());
    }

    @Test
    void alwaysRestartsAndStopIsNotUndone() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data-always"));
        ContainerSpec spec = spec("always").command("sh", "-c", "echo run >> /data/starts; exit 0")
                .mount(data.toString(), "/data", false).restartPolicy(RestartPolicy.ALWAYS).build();
        manager.ensureStarted(spec, image("always"));
        await("3 runs", Duration.ofSeconds(10), () -> lines(data.resolve("starts")) >= 3);

        ContainerResult stopped = manager.ensureStopped("always");
        assertTrue(stopped.changed());
        assertEquals(ContainerState.STOPPED, stopped.status().state());
        int runs = lines(data.resolve("starts"));
        Thread.sleep(1500); // longer than the backoff so far
        assertEquals(runs, lines(data.resolve("starts")), "supervisor restarted after stop");
        assertEquals(ContainerState.STOPPED, manager.status("always").state());
        assertFalse(manager.ensureStopped("always").changed());
    }

    @Test
    void bootMarkerFollowsWhatJplayLastWantedAndStartRecordedBringsBackAContainerAPowerCutKilled() throws Exception {
        ContainerSpec spec = spec("boot").command("sleep", "1000").restartPolicy(RestartPolicy.ALWAYS).build();
        ContainerResult started = manager.ensureStarted(spec, image("boot"));
        assertTrue(manager.startAtBoot("boot") && manager.anyStartAtBoot());
        assertEquals(Optional.of("already running"), manager.bootSkipReason("boot"));

        // A power cut: supervisor and container killed, nothing recorded their end.
        long supervisor = Long.parseLong(Files.readString(stateDir.resolve("containers/boot/supervisor.pid")).strip());
        ProcessHandle.of(supervisor).ifPresent(ProcessHandle::destroyForcibly);
        runtime.kill("boot", "KILL");
        await("the container dies", Duration.ofSeconds(10), () -> manager.status("boot").state() == ContainerState.STOPPED);
        assertEquals(Optional.empty(), manager.bootSkipReason("boot"), "to be started at boot");

        ContainerResult restored = manager.startRecorded("boot");
        assertTrue(restored.changed());
        assertEquals(ContainerState.RUNNING, restored.status().state());
        assertNotEquals(started.status().pid(), restored.status().pid());
        assertFalse(manager.startRecorded("boot").changed(), "a second restore changes nothing");

        manager.ensureStopped("boot");
        assertFalse(manager.startAtBoot("boot"), "stopped by jplay: stays stopped after a reboot");
        assertEquals(Optional.of("not started by jplay with a restart policy"), manager.bootSkipReason("boot"));
        assertFalse(manager.anyStartAtBoot());

        ContainerSpec once = spec("noboot").command("sleep", "1000").build();
        manager.ensureStarted(once, image("noboot"));
        assertFalse(manager.startAtBoot("noboot"), "restart_policy no: nothing at boot");
    }

    @Test
    void stopOfLongRunningAlwaysContainerIsHonoured() throws Exception {
        ContainerSpec spec = spec("longrun").command("sleep", "1000").restartPolicy(RestartPolicy.ALWAYS).build();
        ContainerResult started = manager.ensureStarted(spec, image("longrun"));
        assertEquals(ContainerState.RUNNING, started.status().state());
        long t0 = System.nanoTime();
        ContainerResult stopped = manager.ensureStopped("longrun");
        long stopMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(ContainerState.STOPPED, stopped.status().state());
        assertEquals(137, stopped.status().exitCode(), "sleep as pid 1 ignores SIGTERM, so SIGKILL after the grace");
        assertTrue(stopMs >= 1000, "grace period of 1 s honoured, took " + stopMs + " ms");
        Thread.sleep(1000);
        assertEquals(ContainerState.STOPPED, manager.status("longrun").state());
        assertTrue(runtime.state("longrun").isEmpty());

        ContainerResult again = manager.ensureStarted(spec, image("longrun-unused-rootfs-is-different"));
        assertTrue(again.changed());
    }

    @Test
    void secondStartIsUnchangedAndChangedEnvRecreatesWithDiff() throws Exception {
        ContainerImage image = image("idem");
        ContainerSpec spec = spec("idem").command("sleep", "1000").env("COLOR", "blue").build();
        ContainerResult first = manager.ensureStarted(spec, image);
        assertTrue(first.changed());
        ContainerResult second = manager.ensureStarted(spec, image);
        assertFalse(second.changed());
        assertEquals(first.status().pid(), second.status().pid());
        assertEquals(List.of(), second.diff());

        ContainerSpec changed = spec.toBuilder().env("COLOR", "green").build();
        ContainerResult third = manager.ensureStarted(changed, image);
        assertTrue(third.changed());
        assertEquals(List.of("env: {\"COLOR\":\"blue\"} -> {\"COLOR\":\"green\"}"), third.diff());
        assertEquals(ContainerState.RUNNING, third.status().state());
        assertNotEquals(first.status().pid(), third.status().pid());
        String environ = Files.readString(Path.of("/proc", third.status().pid().toString(), "environ"));
        assertTrue(environ.contains("COLOR=green"), environ);
        assertFalse(ContainerSupervisor.isRunning(first.status().pid()), "old container process gone");

        ContainerResult newDigest = manager.ensurePresent(changed,
                new ContainerImage("sha256:other", image.config(), image.rootfs()));
        assertTrue(newDigest.changed());
        assertEquals(List.of("image_digest: sha256:test-idem -> sha256:other"), newDigest.diff());
        assertEquals(ContainerState.CREATED, newDigest.status().state(), "present = bundle ready, not started");
    }

    @Test
    void memoryAndCpuLimitsAreInTheCgroup() throws Exception {
        ContainerSpec spec = spec("limits").command("sleep", "1000").memory("64m").cpus(0.5).build();
        manager.ensureStarted(spec, image("limits"));
        Path memory = Path.of("/sys/fs/cgroup/memory" + OciConfigGenerator.cgroupsPath("limits"), "memory.limit_in_bytes");
        Path v2 = Path.of("/sys/fs/cgroup" + OciConfigGenerator.cgroupsPath("limits"), "memory.max");
        String limit = Files.exists(memory) ? Files.readString(memory).trim() : Files.readString(v2).trim();
        assertEquals(String.valueOf(64L << 20), limit);
        Path quota = Path.of("/sys/fs/cgroup/cpu" + OciConfigGenerator.cgroupsPath("limits"), "cpu.cfs_quota_us");
        if (Files.exists(quota)) assertEquals("50000", Files.readString(quota).trim());
    }

    @Test
    void readOnlyRootfsRejectsWrites() throws Exception {
        ContainerImage image = image("ro");
        ContainerSpec spec = spec("ro").command("sh", "-c", "echo x > /probe").readOnly(true).build();
        manager.ensureStarted(spec, image);
        ContainerStatus status = awaitState("ro", ContainerState.STOPPED);
        assertNotEquals(0, status.exitCode());
        assertTrue(manager.logs("ro", 1000).stderr().contains("Read-only file system"), manager.logs("ro", 1000).stderr());
        assertFalse(Files.exists(image.rootfs().resolve("probe")));
    }

    @Test
    void userIsResolvedFromTheRootfsPasswd() throws Exception {
        ContainerSpec spec = spec("user").command("id").user("app").build();
        manager.ensureStarted(spec, image("user"));
        awaitState("user", ContainerState.STOPPED);
        String id = manager.logs("user", 1000).stdout().trim();
        assertTrue(id.startsWith("uid=1234(app) gid=2345(app)"), id);
        assertTrue(id.contains("29(audio)"), "supplementary group from /etc/group: " + id);
    }

    @Test
    void maskedAndReadOnlyPathsAreApplied() throws Exception {
        StringBuilder script = new StringBuilder();
        for (String path : OciConfigGenerator.MASKED_PATHS) {
            script.append("p=").append(path).append("; if [ -d $p ]; then echo \"$p $(ls -A $p | wc -l)\"; ")
                    .append("elif [ -e $p ]; then echo \"$p $(wc -c < $p)\"; fi; ");
        }
        script.append("grep ' /proc/sys ' /proc/self/mountinfo");
        ContainerSpec spec = spec("masked").command("sh", "-c", script.toString()).build();
        manager.ensureStarted(spec, image("masked"));
        ContainerStatus status = awaitState("masked", ContainerState.STOPPED);
        assertEquals(0, status.exitCode(), manager.logs("masked", 4000).stderr());
        List<String> out = List.of(manager.logs("masked", 4000).stdout().strip().split("\n"));
        // Non-empty on this host (checked here), empty inside the container.
        for (String path : List.of("/proc/keys", "/proc/timer_list", "/sys/firmware")) {
            Path host = Path.of(path);
            if (!Files.exists(host)) continue;
            long hostSize = Files.isDirectory(host) ? Files.list(host).count() : Files.readAllBytes(host).length;
            assertTrue(hostSize > 0, path + " is empty on the host: choose another probe");
            assertTrue(out.contains(path + " 0"), path + " not masked: " + out);
        }
        String procSys = out.get(out.size() - 1);
        assertTrue(procSys.contains(" /proc/sys ro,"), "/proc/sys read-only: " + procSys);
    }

    @Test
    void containerOutlivesTheAgentProcessThatStartedIt() throws Exception {
        ContainerImage image = image("orphan");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process agent = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                AgentThatExits.class.getName(), stateDir.toString(), "orphan", image.rootfs().toString())
                .redirectErrorStream(true).start();
        names.add("orphan");
        String output = new String(agent.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, agent.waitFor(), output);
        int pid = Integer.parseInt(output.lines().reduce((a, b) -> b).orElseThrow());
        Thread.sleep(300);
        ContainerStatus status = manager.status("orphan");
        assertEquals(ContainerState.RUNNING, status.state());
        assertEquals(pid, status.pid());
        assertFalse(manager.ensureStarted(ContainerSpec.builder("orphan").command("sleep", "1000").stopTimeout(0).build(),
                new ContainerImage("sha256:agent", ImageConfig.EMPTY, image.rootfs())).changed(), "a new agent sees the same container");
        ContainerResult stopped = manager.ensureStopped("orphan");
        assertEquals(137, stopped.status().exitCode(), "the orphaned supervisor still records the exit code");
    }

    @Test
    void networkNoneHasOnlyLoopback() throws Exception {
        ContainerSpec spec = spec("nonet").command("sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1").build();
        manager.ensureStarted(spec, image("nonet"));
        awaitState("nonet", ContainerState.STOPPED);
        assertEquals("lo", manager.logs("nonet", 1000).stdout().trim());
    }

    @Test
    void restartGivesANewProcessWithTheSameSpec() throws Exception {
        ContainerSpec spec = spec("again").command("sleep", "1000").stopTimeout(0).build();
        ContainerImage image = image("again");
        ContainerResult first = manager.ensureStarted(spec, image);
        ContainerResult restarted = manager.restart("again");
        assertTrue(restarted.changed());
        assertEquals(ContainerState.RUNNING, restarted.status().state());
        assertNotEquals(first.status().pid(), restarted.status().pid());
        assertFalse(ContainerSupervisor.isRunning(first.status().pid()));
        ContainerResult after = manager.ensureStarted(spec, image);
        assertFalse(after.changed(), "restart kept the spec, so ensureStarted has nothing to do");
        assertEquals(restarted.status().pid(), after.status().pid());
    }

    @Test
    void missingExecutableFailsTheStartWithRuncsMessage() throws Exception {
        ContainerSpec spec = spec("noexec").command("/no/such/binary").restartPolicy(RestartPolicy.ALWAYS).build();
        LaunchException e = org.junit.jupiter.api.Assertions.assertThrows(LaunchException.class,
                () -> manager.ensureStarted(spec, image("noexec")));
        assertEquals(Step.START, e.step());
        assertEquals("RUNTIME_FAILED", e.code());
        assertTrue(e.getMessage().contains("/no/such/binary"), e.getMessage());
        // The cause once in the message (runc's error log and its stderr say the same); the report keeps stderr.
        assertEquals(1, e.getMessage().split("stat /no/such/binary", -1).length - 1, e.getMessage());
        assertTrue(String.valueOf(e.detail().get("stderr")).contains("/no/such/binary"), e.detail().toString());
        assertEquals(manager.containerDir("noexec").toString(), e.detail().get("bundle"));
        Thread.sleep(500);
        assertEquals(ContainerState.STOPPED, manager.status("noexec").state(), "a failed start is not retried forever");
    }

    // ---- helpers ----

    private ContainerStatus awaitState(String name, ContainerState state) throws InterruptedException {
        await(name + " " + state.id(), Duration.ofSeconds(10), () -> manager.status(name).state() == state);
        return manager.status(name);
    }

    private ContainerStatus awaitSupervisorDone(String name) throws InterruptedException {
        Path pid = manager.containerDir(name).resolve("supervisor.pid");
        await(name + " supervisor exit", Duration.ofSeconds(15), () -> !Files.exists(pid));
        return manager.status(name);
    }

    private static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) fail("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    private static int lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static String httpGet(String url) throws Exception {
        return HttpWait.get(url);
    }

    /** Fields of /proc/PID/stat after the command name: [state, ppid, pgrp, session, ...]. */
    private static String[] procStat(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static List<Long> processesMentioning(String text) throws IOException {
        List<Long> pids = new ArrayList<>();
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path dir : dirs.filter(d -> d.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                try {
                    String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (cmdline.contains(text)) pids.add(Long.parseLong(dir.getFileName().toString()));
                } catch (IOException exited) {
                    // raced with a process exit
                }
            }
        }
        return pids;
    }
}

package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.engine.run.RunJournal;
import dev.jplay.reports.ReportFiles;
import dev.jplay.reports.RunReport;
import dev.jplay.reports.TaskOutcome;
import dev.jplay.testing.TestFleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/** {@code jplay apply} runs against a {@link TestFleet}, and what fault tests read back from their run directory. */
final class FleetRuns {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TestFleet fleet;
    private final Path work;
    private final List<CompletableFuture<Integer>> background = new ArrayList<>();

    FleetRuns(TestFleet fleet, Path work) {
        this.fleet = fleet;
        this.work = work;
    }

    Path playbook(String name, String yaml) throws IOException {
        Path p = work.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    Path newRunDir() throws IOException {
        return Files.createTempDirectory(work, "run");
    }

    /** The apply arguments for {@code playbook} on the fleet, with short timeouts, reporting to {@code runDir}. */
    List<String> args(Path playbook, Path inventory, Path runDir, String... extra) {
        List<String> args = new ArrayList<>(List.of("apply", playbook.toString(), "-i", inventory.toString(),
                "--known-hosts", fleet.knownHosts().toString(), "--report-dir", runDir.toString(),
                "--state-dir", work.resolve("state").toString(), "--connect-timeout", "2"));
        args.addAll(List.of(extra));
        return args;
    }

    /** Runs in this JVM and returns report.json, checking that it agrees with the exit code. */
    RunReport apply(Path playbook, Path inventory, Path runDir, String... extra) throws IOException {
        int code = Main.execute(args(playbook, inventory, runDir, extra).toArray(String[]::new));
        RunReport report = ReportFiles.read(runDir.resolve(ReportFiles.REPORT));
        assertEquals(code, report.exitCode(), "exit code and report.json agree");
        return report;
    }

    RunReport apply(Path playbook, String... extra) throws IOException {
        return apply(playbook, fleet.inventoryYaml(), newRunDir(), extra);
    }

    /** Starts a run on another thread, so the test can inject a fault while it is under way. */
    CompletableFuture<Integer> applyInBackground(Path playbook, Path runDir, String... extra) {
        return applyInBackground(playbook, fleet.inventoryYaml(), runDir, extra);
    }

    CompletableFuture<Integer> applyInBackground(Path playbook, Path inventory, Path runDir, String... extra) {
        String[] args = args(playbook, inventory, runDir, extra).toArray(String[]::new);
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> Main.execute(args));
        background.add(run);
        return run;
    }

    /** Lets runs that a failed test left behind end, so they do not overlap the next test's. */
    void awaitBackgroundRuns() {
        for (CompletableFuture<Integer> run : background) {
            try {
                run.get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (Exception e) {
                // the test that started it has failed already
            }
        }
    }

    /** The run's events so far (events.jsonl), one JSON object each. */
    static List<JsonNode> events(Path runDir) {
        Path file = runDir.resolve(ReportFiles.EVENTS);
        if (!Files.exists(file)) return List.of();
        List<JsonNode> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) continue;
                try {
                    out.add(JSON.readTree(line));
                } catch (IOException partialLastLine) {
                    break;
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }

    /** True once the run reported one of {@code statuses} for {@code host} in {@code task}. */
    static boolean reported(Path runDir, String host, String task, String... statuses) {
        List<String> wanted = List.of(statuses);
        return events(runDir).stream().anyMatch(e -> "host_result".equals(e.path("event").asText())
                && host.equals(e.path("host").asText()) && task.equals(e.path("task").asText())
                && wanted.contains(e.path("status").asText()));
    }

    static List<String> warnings(Path runDir) {
        return events(runDir).stream().filter(e -> "warning".equals(e.path("event").asText()))
                .map(e -> e.path("message").asText()).toList();
    }

    /** Batches of the first play in journal.json, as "host,host=status". */
    static List<String> batchStatuses(Path runDir) throws IOException {
        JsonNode j = JSON.readTree(runDir.resolve(RunJournal.FILE).toFile());
        List<String> out = new ArrayList<>();
        for (JsonNode b : j.path("plays").get(0).path("batches")) {
            List<String> hosts = new ArrayList<>();
            b.path("hosts").forEach(h -> hosts.add(h.asText()));
            out.add(String.join(",", hosts) + "=" + b.path("status").asText());
        }
        return out;
    }

    /** The outcomes of {@code host}, as "task=status". */
    static List<String> outcomes(RunReport r, String host) {
        return r.results().stream().filter(o -> o.host().equals(host)).map(o -> o.task() + "=" + o.status())
                .collect(Collectors.toList());
    }

    static TaskOutcome outcome(RunReport r, String host, String task) {
        return r.results().stream().filter(o -> o.host().equals(host) && o.task().equals(task)).findFirst()
                .orElseThrow(() -> new AssertionError("no outcome of '" + task + "' on " + host + ": " + r.results()));
    }

    /** "file:line:column" of the first line of {@code playbook} that contains {@code text}, as reports locate tasks. */
    static String locate(Path playbook, String text) throws IOException {
        List<String> lines = Files.readAllLines(playbook);
        for (int i = 0; i < lines.size(); i++) {
            int col = lines.get(i).indexOf(text);
            if (col >= 0) return playbook.getFileName() + ":" + (i + 1) + ":" + (col + 1);
        }
        throw new AssertionError(text + " not in " + playbook);
    }

    /** Polls {@code condition} every 50 ms; fails with {@code what} after {@code timeout}. */
    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            Thread.sleep(50);
        }
    }
}

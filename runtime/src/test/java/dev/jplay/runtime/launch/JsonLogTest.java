package dev.jplay.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The json-file log: what {@link LogWriterScript} writes (run for real with the host's perl) and how it is read back. */
class JsonLogTest {
    @TempDir
    Path dir;

    /** Runs {@code sh -c script} under the log writer; returns its exit code. */
    private int write(LogConfig config, String script) throws Exception {
        Path writer = dir.resolve("log-writer.pl");
        Files.writeString(writer, LogWriterScript.SOURCE);
        ContainerFiles files = new ContainerFiles(dir.resolve("c"));
        Files.createDirectories(files.dir());
        List<String> command = LogWriterScript.command(LogWriterScript.perl(), files, config, List.of("/bin/sh", "-c", script));
        command.set(1, writer.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "writer finished");
        String own = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals("", own, "the writer itself prints nothing");
        return p.exitValue();
    }

    private Path log() { return new ContainerFiles(dir.resolve("c")).jsonLog(); }

    private static Map<String, Object> record(String line) throws IOException {
        return Json.asObject(Json.parse(line.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void linesInDockersJsonFileFormatWithStreamTimeAndExitCode() throws Exception {
        Instant before = Instant.now();
        int code = write(LogConfig.DEFAULT, "printf 'hello \"q\" \\\\ \\ttab\\n'; printf 'oops\\001\\n' >&2; "
                + "printf '\\377\\303\\251 ok\\n'; printf 'no newline'; exit 3");
        assertEquals(3, code, "the command's exit code is the writer's");
        List<String> lines = Files.readAllLines(log());
        assertEquals(4, lines.size(), lines.toString());
        Map<String, Object> hello = lines.stream().map(l -> { try { return record(l); } catch (IOException e) { throw new AssertionError(e); } })
                .filter(r -> "stdout".equals(r.get("stream"))).findFirst().orElseThrow();
        assertEquals("hello \"q\" \\ \ttab\n", hello.get("log"));
        assertTrue(lines.get(0).startsWith("{\"log\":\""), "Docker's key order: " + lines.get(0));
        assertTrue(lines.stream().anyMatch(l -> l.equals(lines.stream().filter(x -> x.contains("oops")).findFirst().orElseThrow())
                && l.contains("\"log\":\"oops\\u0001\\n\",\"stream\":\"stderr\"")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"log\":\"\uFFFD\u00e9 ok\\n\"")), "invalid UTF-8 -> U+FFFD: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("\"log\":\"no newline\",")), "a last partial line has no \\n: " + lines);
        Instant time = JsonLogLine.time(lines.get(0));
        assertFalse(time.isBefore(before.minusSeconds(1)) || time.isAfter(Instant.now().plusSeconds(1)), time + " is now");
        assertTrue(lines.get(0).matches(".*\"time\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z\"}"), "RFC 3339 nanos: " + lines.get(0));
    }

    @Test
    void longLinesAreSplitAt16KiBAsDockerDoes() throws Exception {
        write(LogConfig.DEFAULT, "head -c 40000 /dev/zero | tr '\\0' a; echo; echo short");
        List<JsonLogLine> lines = Files.readAllLines(log()).stream().map(JsonLogLine::parse).toList();
        assertEquals(List.of(16384, 16384, 7233, 6), lines.stream().map(l -> l.log().length()).toList());
        assertFalse(lines.get(0).log().endsWith("\n"), "a piece of a line is partial");
        assertEquals("a".repeat(40000) + "\n", lines.get(0).log() + lines.get(1).log() + lines.get(2).log());
    }

    @Test
    void rotatesAtMaxSizeKeepingMaxFileFiles() throws Exception {
        LogConfig config = LogConfig.parse("json-file", Map.of("max-size", "64k", "max-file", 3));
        write(config, "i=0; while [ $i -lt 4000 ]; do echo \"line $i\"; i=$((i+1)); done");
        Path log = log();
        assertTrue(Files.exists(log.resolveSibling(log.getFileName() + ".1")));
        assertTrue(Files.exists(log.resolveSibling(log.getFileName() + ".2")));
        assertFalse(Files.exists(log.resolveSibling(log.getFileName() + ".3")), "at most max-file files");
        for (String suffix : List.of(".1", ".2")) {
            long size = Files.size(log.resolveSibling(log.getFileName() + suffix));
            assertTrue(size >= 64 * 1024 && size < 64 * 1024 + 200, "rotated just past max-size: " + size);
        }
        // The files read oldest first are one unbroken run of lines ending with the last one.
        List<String> all = new JsonLogFiles(log).read(null, Long.MAX_VALUE).lines();
        int first = Integer.parseInt(JsonLogLine.parse(all.get(0)).log().replaceAll("\\D", ""));
        for (int i = 0; i < all.size(); i++) assertEquals("line " + (first + i) + "\n", JsonLogLine.parse(all.get(i)).log());
        assertEquals(3999, first + all.size() - 1);
        assertTrue(first > 0, "the oldest lines were rotated out");
    }

    @Test
    void aReaderFollowingWithCursorsGetsEveryLineOnceWhileTheWriterRotates() throws Exception {
        LogConfig config = LogConfig.parse(null, Map.of("max-size", "64k", "max-file", "3"));
        java.util.concurrent.CompletableFuture<Integer> writer = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return write(config, "i=0; while [ $i -lt 6000 ]; do echo \"line $i\"; i=$((i+1)); "
                        + "[ $((i % 200)) -eq 0 ] && sleep 0.05; done");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        JsonLogFiles files = new JsonLogFiles(log());
        List<String> seen = new ArrayList<>();
        JsonLogFiles.Cursor cursor = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        boolean skipped = false;
        while (System.nanoTime() < deadline) {
            boolean finished = writer.isDone();
            JsonLogFiles.Chunk chunk = files.read(cursor, 1 << 20);
            skipped |= chunk.skipped() && cursor != null;
            cursor = chunk.cursor();
            chunk.lines().forEach(l -> seen.add(JsonLogLine.parse(l).log()));
            if (finished && chunk.lines().isEmpty()) break;
            Thread.sleep(5);
        }
        assertEquals(0, writer.join());
        assertFalse(skipped, "the reader kept its place in every rotation");
        assertTrue(Files.exists(log().resolveSibling(log().getFileName() + ".2")), "the log rotated while it was read");
        assertEquals(6000, seen.size(), "every line once");
        for (int i = 0; i < seen.size(); i++) assertEquals("line " + i + "\n", seen.get(i));
    }

    @Test
    void oneFileIsTruncatedInsteadOfRotated() throws Exception {
        write(LogConfig.parse(null, Map.of("max-size", "64k", "max-file", "1")), "i=0; while [ $i -lt 4000 ]; do echo \"line $i\"; i=$((i+1)); done");
        assertFalse(Files.exists(log().resolveSibling(log().getFileName() + ".1")));
        assertTrue(Files.size(log()) < 64 * 1024);
    }

    // ---- reading with cursors (files written by hand: rotation is a rename, as the writer does it) ----

    private static String rec(String text, String time) {
        return "{\"log\":\"" + text + "\\n\",\"stream\":\"stdout\",\"time\":\"" + time + "\"}\n";
    }

    private void append(Path file, String... records) throws IOException {
        Files.writeString(file, String.join("", records), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
    }

    private void rotate(Path log, int maxFile) throws IOException {
        for (int i = maxFile - 1; i >= 1; i--) {
            Path from = i == 1 ? log : log.resolveSibling(log.getFileName() + "." + (i - 1));
            if (Files.exists(from)) Files.move(from, log.resolveSibling(log.getFileName() + "." + i), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static List<String> texts(JsonLogFiles.Chunk chunk) {
        return chunk.lines().stream().map(l -> JsonLogLine.parse(l).log().strip()).toList();
    }

    @Test
    void aCursorFollowsItsFileAcrossRotationAndGoesOnInTheNewOne() throws IOException {
        Path log = dir.resolve("x-json.log");
        JsonLogFiles files = new JsonLogFiles(log);
        append(log, rec("a", "2026-01-01T00:00:01Z"), rec("b", "2026-01-01T00:00:02Z"));
        JsonLogFiles.Chunk first = files.read(null, 1 << 20);
        assertEquals(List.of("a", "b"), texts(first));
        append(log, rec("c", "2026-01-01T00:00:03Z"));
        rotate(log, 3);
        append(log, rec("d", "2026-01-01T00:00:04Z"));
        JsonLogFiles.Chunk second = files.read(first.cursor(), 1 << 20);
        assertEquals(List.of("c", "d"), texts(second), "the rest of the rotated file, then the new one");
        assertFalse(second.skipped());
        append(log, "{\"log\":\"half"); // a line being written stays for the next read
        assertEquals(List.of(), files.read(second.cursor(), 1 << 20).lines());
        append(log, "\\n\",\"stream\":\"stdout\",\"time\":\"2026-01-01T00:00:05Z\"}\n");
        assertEquals(List.of("half"), texts(files.read(second.cursor(), 1 << 20)));
    }

    @Test
    void aCursorWhoseFileIsGoneStartsAtTheOldestAndSaysSo() throws IOException {
        Path log = dir.resolve("x-json.log");
        JsonLogFiles files = new JsonLogFiles(log);
        append(log, rec("a", "2026-01-01T00:00:01Z"));
        JsonLogFiles.Chunk first = files.read(null, 1 << 20);
        Files.delete(log); // the container was recreated
        append(log, rec("new", "2026-01-01T00:00:09Z"));
        JsonLogFiles.Chunk next = files.read(first.cursor(), 1 << 20);
        assertEquals(List.of("new"), texts(next));
        assertTrue(next.skipped());
    }

    @Test
    void aBudgetStopsAtALineAndSaysThereIsMore() throws IOException {
        Path log = dir.resolve("x-json.log");
        JsonLogFiles files = new JsonLogFiles(log);
        append(log, rec("a", "2026-01-01T00:00:01Z"), rec("b", "2026-01-01T00:00:02Z"), rec("c", "2026-01-01T00:00:03Z"));
        JsonLogFiles.Chunk one = files.read(null, 10);
        assertEquals(List.of("a"), texts(one));
        assertTrue(one.more());
        JsonLogFiles.Chunk rest = files.read(one.cursor(), 1 << 20);
        assertEquals(List.of("b", "c"), texts(rest));
        assertFalse(rest.more());
    }

    @Test
    void tailAndSinceFindTheirStartAcrossFiles() throws IOException {
        Path log = dir.resolve("x-json.log");
        JsonLogFiles files = new JsonLogFiles(log);
        append(log, rec("a", "2026-01-01T00:00:01Z"), rec("b", "2026-01-01T00:00:02Z"));
        rotate(log, 3);
        append(log, rec("c", "2026-01-01T00:00:03Z"), rec("d", "2026-01-01T00:00:04Z"));
        assertEquals(List.of("d"), texts(files.read(files.tail(1), 1 << 20)));
        assertEquals(List.of("b", "c", "d"), texts(files.read(files.tail(3), 1 << 20)));
        assertEquals(List.of("a", "b", "c", "d"), texts(files.read(files.tail(10), 1 << 20)));
        assertEquals(List.of(), texts(files.read(files.tail(0), 1 << 20)));
        assertEquals(List.of("c", "d"), texts(files.read(files.since(Instant.parse("2026-01-01T00:00:03Z")), 1 << 20)));
        assertEquals(List.of(), texts(files.read(files.since(Instant.parse("2026-01-02T00:00:00Z")), 1 << 20)));
        assertNull(new JsonLogFiles(dir.resolve("none-json.log")).tail(5));
    }

    @Test
    void logOptionsAsDockerNamesThem() {
        assertEquals(LogConfig.DEFAULT, LogConfig.parse(null, null));
        assertEquals(10L << 20, LogConfig.DEFAULT.maxSize());
        assertEquals(3, LogConfig.DEFAULT.maxFile());
        LogConfig c = LogConfig.parse("json-file", Map.of("max-size", "20m", "max-file", "5"));
        assertEquals(20L << 20, c.maxSize());
        assertEquals(5, c.maxFile());
        assertEquals("BAD_LOG_DRIVER", assertThrows(LaunchException.class, () -> LogConfig.parse("journald", null)).code());
        assertEquals("BAD_LOG_OPTION", assertThrows(LaunchException.class, () -> LogConfig.parse(null, Map.of("max-size", "-1"))).code());
        assertEquals("BAD_LOG_OPTION", assertThrows(LaunchException.class, () -> LogConfig.parse(null, Map.of("max-file", "0"))).code());
        assertEquals("BAD_LOG_OPTION", assertThrows(LaunchException.class, () -> LogConfig.parse(null, Map.of("compress", "true"))).code());
        assertTrue(assertThrows(LaunchException.class, () -> LogConfig.parse(null, Map.of("labels", "x"))).getMessage().contains("max-size, max-file"));
    }

    @Test
    void aSpecRecordedBeforeLogsWereCappedDiffersFromToday() {
        ContainerSpec legacy = new ContainerSpec("w", null, null, null, null, null, null, null, false, null, null, null, 0, null, 10, null);
        ContainerSpec today = ContainerSpec.builder("w").build();
        ContainerImage image = new ContainerImage("sha256:1", null, Path.of("/r"));
        List<String> diff = SpecRecord.of(legacy, image).diff(SpecRecord.of(today, image));
        assertEquals(1, diff.size(), diff.toString());
        assertTrue(diff.get(0).startsWith("log: null -> {\"driver\":\"json-file\""), diff.toString());
        List<String> changed = SpecRecord.of(today, image).diff(SpecRecord.of(today.toBuilder().log(LogConfig.parse(null, Map.of("max-file", 5))).build(), image));
        assertEquals(1, changed.size(), "a log change recreates the container, as in Docker: " + changed);
    }
}

package dev.jplay.reports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/** Renders report.html in a real browser (Debian package {@code chromium}): the page loads and draws something. */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class HtmlReportScreenshotIT {
    @TempDir
    Path dir;

    @Test
    void chromiumRendersTheReport() throws Exception {
        List<TaskOutcome> results = new ArrayList<>();
        for (int h = 1; h <= 6; h++) {
            results.add(Fixtures.ok("web-" + h, "install", "2026-01-01T00:00:0" + h + "Z", 900));
            results.add(Fixtures.ok("web-" + h, "configure", "2026-01-01T00:00:0" + h + ".950Z", 400));
        }
        results.add(Fixtures.failed("web-2", "migrate", null, "fatal: " + Fixtures.SCRIPT, Map.of(), false, "2026-01-01T00:00:02.500Z"));
        results.add(Fixtures.unreachable("db-1", "10.0.0.7", 22, "2026-01-01T00:00:00.050Z"));
        Path html = HtmlReportWriter.write(dir, Fixtures.report(results), List.of());
        Path png = dir.resolve("report.png");
        Path profile = Files.createDirectories(dir.resolve("profile"));

        Process chromium = new ProcessBuilder("chromium", "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--screenshot=" + png, "--window-size=1280,1600", html.toUri().toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("chromium.log").toFile()).start();
        try {
            assertTrue(chromium.waitFor(90, TimeUnit.SECONDS), "chromium did not finish within 90 s");
            assertEquals(0, chromium.exitValue(), () -> "chromium failed: " + read(dir.resolve("chromium.log")));
        } finally {
            chromium.descendants().forEach(ProcessHandle::destroyForcibly);
            chromium.destroyForcibly();
        }
        assertTrue(Files.isRegularFile(png), () -> "no screenshot; chromium said: " + read(dir.resolve("chromium.log")));
        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(bytes, 4));
        // a blank 1280×1600 page compresses to a few KB; the drawn report is tens of KB
        assertTrue(bytes.length > 40_000, "screenshot too small to show the report: " + bytes.length + " bytes");
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (Exception e) {
            return "(no log: " + e + ")";
        }
    }
}

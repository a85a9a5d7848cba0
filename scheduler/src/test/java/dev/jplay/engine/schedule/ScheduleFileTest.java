package dev.jplay.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.yaml.PlaybookException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScheduleFileTest {
    @TempDir Path dir;

    private PlaybookException error(String yaml) throws IOException {
        Path f = dir.resolve("schedules.yml");
        Files.writeString(f, yaml);
        return assertThrows(PlaybookException.class, () -> ScheduleFile.load(f));
    }

    private static final String HEAD = "schedules:\n  - name: web\n    playbook: deploy.yml\n    inventory: [hosts.ini]\n";

    @Test
    void roundTripKeepsEverything() throws IOException {
        ZoneId zone = ZoneId.of("Europe/Berlin");
        Schedule s = new Schedule("web-weekly", "/srv/deploy.yml", List.of("/srv/hosts.ini", "extra,"), Map.of("version", "1.2", "n", 3),
                CronTrigger.parse("0 2 * * sat", zone),
                new MaintenanceWindow(Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), LocalTime.of(1, 0), LocalTime.of(5, 0), zone),
                MissedRunPolicy.RUN_ONCE, Duration.ofMinutes(90),
                new WebhookSettings(URI.create("http://127.0.0.1:9/hook"), WebhookSettings.When.ALWAYS, 3),
                Instant.parse("2026-01-02T03:04:05Z"));
        Path f = dir.resolve("sub/schedules.yml");
        ScheduleFile.save(f, List.of(s));
        Schedule back = ScheduleFile.load(f).get(0);
        assertEquals(s.name(), back.name());
        assertEquals(s.inventory(), back.inventory());
        assertEquals(s.extraVars(), back.extraVars());
        assertEquals("0 2 * * sat", back.cron().expression());
        assertEquals(zone, back.zone());
        assertEquals(s.window(), back.window());
        assertEquals(MissedRunPolicy.RUN_ONCE, back.missed());
        assertEquals(Duration.ofMinutes(90), back.expectedBatch());
        assertEquals(s.webhook(), back.webhook());
        assertEquals(s.created(), back.created());
        // Atomic write: no temp file left behind, and owner-only permissions (extra vars may hold secrets).
        try (var files = Files.list(f.getParent())) {
            assertEquals(List.of("schedules.yml"), files.map(p -> p.getFileName().toString()).toList());
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
    }

    @Test
    void badCronIsLocatedAtItsValue() throws IOException {
        PlaybookException e = error(HEAD + "    zone: UTC\n    cron: \"61 * * * *\"\n");
        assertEquals(6, e.location().line());
        assertEquals(11, e.location().column());
        assertTrue(e.getMessage().contains("schedules.yml:6:11: cron: cron '61 * * * *'"), e.getMessage());
    }

    @Test
    void unknownZoneUnknownKeyAndUnquotedTimeAreLocated() throws IOException {
        PlaybookException zone = error(HEAD + "    cron: \"0 2 * * *\"\n    zone: Mars/Olympus\n");
        assertTrue(zone.getMessage().contains(":6:11: zone:"), zone.getMessage());
        PlaybookException key = error(HEAD + "    cron: \"0 2 * * *\"\n    zone: UTC\n    windw: {}\n");
        assertTrue(key.getMessage().contains(":7:5: unknown schedule key 'windw'"), key.getMessage());
        PlaybookException time = error(HEAD + "    cron: \"0 2 * * *\"\n    zone: UTC\n    window: {days: [sat], start: 1:00, end: \"05:00\"}\n");
        assertTrue(time.getMessage().contains(":7:34: window start must be a quoted time"), time.getMessage());
        PlaybookException day = error(HEAD + "    cron: \"0 2 * * *\"\n    zone: UTC\n    window: {days: [sat, caturday], start: \"01:00\", end: \"05:00\"}\n");
        assertTrue(day.getMessage().contains(":7:26: 'caturday' is not a day"), day.getMessage());
    }

    @Test
    void duplicateNamesAndSyntaxErrorsAreLocated() throws IOException {
        String one = "  - name: web\n    playbook: a.yml\n    inventory: [h]\n    cron: \"0 2 * * *\"\n    zone: UTC\n";
        PlaybookException dup = error("schedules:\n" + one + one);
        assertTrue(dup.getMessage().contains(":7:5: duplicate schedule name 'web' (first at 2:5)"), dup.getMessage());
        PlaybookException syntax = error("schedules:\n  - name: [\n");
        assertTrue(syntax.getMessage().matches("(?s).*schedules\\.yml:\\d+:\\d+: .*"), syntax.getMessage());
    }

    @Test
    void missingFileMeansNoSchedules() throws IOException {
        assertEquals(List.of(), ScheduleFile.load(dir.resolve("absent.yml")));
    }
}

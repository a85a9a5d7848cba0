package dev.jplay.engine.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogMergeTest {
    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private long seq;

    private LogLine line(String host, String text, long millis) {
        return new LogLine(host, host + "-i", "stdout", T0.plusMillis(millis), text, ++seq);
    }

    private static List<String> texts(List<LogLine> lines) {
        return lines.stream().map(LogLine::text).toList();
    }

    @Test
    void linesGoOutInTimeOrderOnceEveryHostHasReadPastThem() {
        LogMerge merge = new LogMerge(Duration.ofSeconds(2));
        long now = 0;
        merge.add(line("b", "b1", 20), now);
        merge.add(line("a", "a1", 10), now);
        merge.add(line("a", "a2", 40), now);
        assertEquals(List.of("a1", "b1"), texts(merge.release(T0.plusMillis(30), now)), "up to the slowest host's watermark");
        merge.add(line("b", "b2", 35), now);
        assertEquals(List.of("b2", "a2"), texts(merge.release(T0.plusMillis(50), now)));
        assertEquals(0, merge.size());
    }

    @Test
    void equalTimesKeepTheirArrivalOrder() {
        LogMerge merge = new LogMerge(Duration.ofSeconds(2));
        merge.add(line("a", "first", 10), 0);
        merge.add(line("a", "second", 10), 0);
        merge.add(line("a", "third", 10), 0);
        assertEquals(List.of("first", "second", "third"), texts(merge.releaseAll()));
    }

    @Test
    void aLaggingHostHoldsLinesBackOnlyForMaxHold() {
        LogMerge merge = new LogMerge(Duration.ofSeconds(2));
        merge.add(line("a", "a1", 100), 0);
        merge.add(line("a", "a2", 200), 0);
        assertEquals(List.of(), merge.release(T0, Duration.ofMillis(1999).toNanos()), "the other host has read nothing past T0 yet");
        assertEquals(List.of("a1", "a2"), texts(merge.release(T0, Duration.ofSeconds(2).toNanos())));
    }

    @Test
    void noHostBeingFollowedLetsEverythingOut() {
        LogMerge merge = new LogMerge(Duration.ofSeconds(2));
        merge.add(line("a", "a1", 100), 0);
        assertEquals(List.of("a1"), texts(merge.release(null, 0)));
    }

    @Test
    void sinceAsDockerTakesIt() {
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        assertEquals(now.minusSeconds(600), LogSince.parse("10m", now, ZoneOffset.UTC));
        assertEquals(now.minusSeconds(5400), LogSince.parse("1h30m", now, ZoneOffset.UTC));
        assertEquals(now.minusMillis(1500), LogSince.parse("1.5s", now, ZoneOffset.UTC));
        assertEquals(Instant.parse("2026-12-07T11:00:00Z"), LogSince.parse("2026-12-07T13:00:00+02:00", now, ZoneOffset.UTC));
        assertEquals(Instant.parse("2026-12-07T11:00:00Z"), LogSince.parse("2026-12-07T11:00:00Z", now, ZoneOffset.UTC));
        assertEquals(Instant.parse("2026-12-06T23:00:00Z"), LogSince.parse("2026-12-07", now, ZoneOffset.ofHours(1)));
        assertEquals(Instant.ofEpochSecond(1796672790, 500_000_000), LogSince.parse("1796672790.5", now, ZoneOffset.UTC));
        assertThrows(IllegalArgumentException.class, () -> LogSince.parse("yesterday", now, ZoneOffset.UTC));
        assertEquals(-1, LogSince.tail("all"));
        assertEquals(20, LogSince.tail("20"));
        assertThrows(IllegalArgumentException.class, () -> LogSince.tail("-3"));
    }

    @Test
    void aLineShowsItsHostAndInstance() {
        LogLine l = new LogLine("web03", "web-17", "stdout", T0, "GET /", 1);
        assertEquals("web03 web-17 | GET /", l.format(false));
        assertEquals("2026-12-07T10:00:00Z web03 web-17 | GET /", l.format(true));
    }
}

package dev.jplay.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronTriggerTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static Instant local(String dateTime, ZoneId zone) {
        return LocalDateTime.parse(dateTime).atZone(zone).toInstant();
    }

    @Test
    void dailyTimeInsideTheSpringGapFiresRightAfterTheGapInBerlin() {
        CronTrigger daily = CronTrigger.parse("30 2 * * *", BERLIN);
        List<Instant> fires = daily.between(local("2026-03-27T12:00", BERLIN), local("2026-03-31T00:00", BERLIN), 10);
        // 02:30 does not exist on 2026-03-29 (02:00 CET jumps to 03:00 CEST): it fires at 03:00 CEST = 01:00Z.
        assertEquals(List.of(Instant.parse("2026-03-28T01:30:00Z"), Instant.parse("2026-03-29T01:00:00Z"),
                Instant.parse("2026-03-30T00:30:00Z")), fires);
    }

    @Test
    void hourlyJobDoesNotFireTwiceAtTheEndOfTheSpringGap() {
        CronTrigger hourly = CronTrigger.parse("0 * * * *", BERLIN);
        List<Instant> fires = hourly.between(Instant.parse("2026-03-28T23:30:00Z"), Instant.parse("2026-03-29T02:30:00Z"), 10);
        assertEquals(List.of(Instant.parse("2026-03-29T00:00:00Z"), Instant.parse("2026-03-29T01:00:00Z"),
                Instant.parse("2026-03-29T02:00:00Z")), fires);
    }

    @Test
    void fixedTimeInTheRepeatedAutumnHourFiresOnceInBerlin() {
        CronTrigger daily = CronTrigger.parse("30 2 * * *", BERLIN);
        List<Instant> fires = daily.between(local("2026-10-24T12:00", BERLIN), local("2026-10-26T12:00", BERLIN), 10);
        // 02:30 happens twice on 2026-10-25 (CEST, then CET): the first one only.
        assertEquals(List.of(Instant.parse("2026-10-25T00:30:00Z"), Instant.parse("2026-10-26T01:30:00Z")), fires);
    }

    @Test
    void hourlyJobKeepsRealTimeThroughTheRepeatedHour() {
        CronTrigger hourly = CronTrigger.parse("0 * * * *", BERLIN);
        List<Instant> fires = hourly.between(Instant.parse("2026-10-24T23:30:00Z"), Instant.parse("2026-10-25T02:30:00Z"), 10);
        assertEquals(List.of(Instant.parse("2026-10-25T00:00:00Z"), Instant.parse("2026-10-25T01:00:00Z"),
                Instant.parse("2026-10-25T02:00:00Z")), fires);
    }

    @Test
    void newYorkGapAndOverlap() {
        CronTrigger spring = CronTrigger.parse("30 2 * * *", NEW_YORK);
        assertEquals(Instant.parse("2026-03-08T07:00:00Z"), spring.nextAfter(local("2026-03-07T12:00", NEW_YORK)),
                "02:30 on 2026-03-08 does not exist: 03:00 EDT");
        CronTrigger autumn = CronTrigger.parse("30 1 * * *", NEW_YORK);
        assertEquals(List.of(Instant.parse("2026-11-01T05:30:00Z"), Instant.parse("2026-11-02T06:30:00Z")),
                autumn.between(local("2026-10-31T12:00", NEW_YORK), local("2026-11-02T12:00", NEW_YORK), 10));
    }

    @Test
    void lastFireAtOrBeforeAnInstantIncludingTheGapFire() {
        CronTrigger daily = CronTrigger.parse("30 2 * * *", BERLIN);
        assertEquals(Instant.parse("2026-06-10T00:30:00Z"), daily.lastAtOrBefore(Instant.parse("2026-06-10T00:30:00Z")).orElseThrow());
        assertEquals(Instant.parse("2026-06-10T00:30:00Z"), daily.lastAtOrBefore(Instant.parse("2026-06-10T12:00:00Z")).orElseThrow());
        assertEquals(Instant.parse("2026-03-29T01:00:00Z"), daily.lastAtOrBefore(Instant.parse("2026-03-29T12:00:00Z")).orElseThrow());
    }

    @Test
    void badExpressionsSayWhatIsWrong() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronTrigger.parse("0 2 * *", BERLIN))
                .getMessage().contains("5 fields"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> CronTrigger.parse("61 2 * * *", BERLIN))
                .getMessage().startsWith("cron '61 2 * * *'"));
        assertThrows(IllegalArgumentException.class, () -> CronTrigger.parse("0 0 0 * * *", BERLIN));
    }
}

package dev.jplay.engine.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MaintenanceWindowTest {
    private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    private final MaintenanceWindow weekend = new MaintenanceWindow(Set.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY),
            LocalTime.of(1, 0), LocalTime.of(5, 0), BERLIN);

    private static Instant berlin(String t) {
        return LocalDateTime.parse(t).atZone(BERLIN).toInstant();
    }

    @Test
    void openOnlyOnItsDaysBetweenItsHours() {
        assertTrue(weekend.isOpen(berlin("2026-06-06T01:00"))); // Saturday
        assertTrue(weekend.isOpen(berlin("2026-06-07T04:59")));
        assertFalse(weekend.isOpen(berlin("2026-06-07T05:00")), "the end is exclusive");
        assertFalse(weekend.isOpen(berlin("2026-06-06T00:59")));
        assertFalse(weekend.isOpen(berlin("2026-06-08T02:00")), "Monday");
    }

    @Test
    void canStartOnlyWhenTheWorkFinishesBeforeTheWindowCloses() {
        Instant at4 = berlin("2026-06-06T04:00");
        assertTrue(weekend.canStart(at4, Duration.ofMinutes(60)));
        assertFalse(weekend.canStart(at4, Duration.ofMinutes(61)));
        assertFalse(weekend.canStart(berlin("2026-06-05T04:00"), Duration.ZERO), "Friday: closed");
    }

    @Test
    void windowPastMidnightBelongsToTheDayItOpens() {
        MaintenanceWindow friNight = new MaintenanceWindow(Set.of(DayOfWeek.FRIDAY), LocalTime.of(22, 0), LocalTime.of(2, 0), BERLIN);
        assertTrue(friNight.isOpen(berlin("2026-06-06T01:30")), "Saturday 01:30 is still Friday's window");
        assertFalse(friNight.isOpen(berlin("2026-06-07T01:30")), "Sunday 01:30 follows Saturday: no window");
        assertEquals(berlin("2026-06-06T02:00"), friNight.openingAt(berlin("2026-06-05T23:00")).orElseThrow().closes());
    }

    @Test
    void windowOnTheSpringChangeIsAnHourShorterInRealTime() {
        MaintenanceWindow.Opening o = weekend.openingAt(berlin("2026-03-29T01:30")).orElseThrow();
        assertEquals(Duration.ofHours(3), Duration.between(o.opens(), o.closes()));
        MaintenanceWindow.Opening autumn = weekend.openingAt(berlin("2026-10-25T01:30")).orElseThrow();
        assertEquals(Duration.ofHours(5), Duration.between(autumn.opens(), autumn.closes()));
    }

    @Test
    void nextOpeningSkipsClosedDays() {
        assertEquals(berlin("2026-06-06T01:00"), weekend.nextOpening(berlin("2026-06-02T12:00")));
        Instant inside = berlin("2026-06-06T02:00");
        assertEquals(inside, weekend.nextOpening(inside));
    }
}

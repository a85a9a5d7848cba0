package dev.jplay.engine.schedule;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * When a fleet may be changed: on some days of the week, from {@code start} to {@code end} wall-clock time in
 * {@code zone}. An end at or before the start means the window runs past midnight into the next day; the days
 * name the day a window opens. Across a DST change a window keeps its wall-clock edges, so it is an hour
 * shorter or longer in real time.
 */
public record MaintenanceWindow(Set<DayOfWeek> days, LocalTime start, LocalTime end, ZoneId zone) {
    public MaintenanceWindow {
        if (days.isEmpty()) throw new IllegalArgumentException("window: days must name at least one day");
        if (start.equals(end)) throw new IllegalArgumentException("window: start and end are both " + start);
        days = Set.copyOf(EnumSet.copyOf(days));
    }

    /** One opening of the window, as instants. */
    public record Opening(Instant opens, Instant closes) {
        public boolean contains(Instant t) {
            return !t.isBefore(opens) && t.isBefore(closes);
        }
    }

    /** The opening that contains {@code now}, if the window is open. */
    public Optional<Opening> openingAt(Instant now) {
        LocalDate today = now.atZone(zone).toLocalDate();
        for (LocalDate d : new LocalDate[] {today.minusDays(1), today}) {
            if (!days.contains(d.getDayOfWeek())) continue;
            Opening o = openingOn(d);
            if (o.contains(now)) return Optional.of(o);
        }
        return Optional.empty();
    }

    public boolean isOpen(Instant now) {
        return openingAt(now).isPresent();
    }

    /**
     * Whether work expected to take {@code expected} may start at {@code now}: the window is open and stays open
     * until the work is done. This is the check made before a rollout and before every batch.
     */
    public boolean canStart(Instant now, Duration expected) {
        return openingAt(now).map(o -> !now.plus(expected).isAfter(o.closes())).orElse(false);
    }

    /** The next time the window opens at or after {@code from} (now, if it is open). */
    public Instant nextOpening(Instant from) {
        if (isOpen(from)) return from;
        LocalDate d = from.atZone(zone).toLocalDate().minusDays(1);
        for (int i = 0; i < 9; i++, d = d.plusDays(1)) {
            if (!days.contains(d.getDayOfWeek())) continue;
            Opening o = openingOn(d);
            if (!o.opens().isBefore(from)) return o.opens();
        }
        throw new IllegalStateException("window " + this + " never opens");
    }

    private Opening openingOn(LocalDate day) {
        ZonedDateTime opens = ZonedDateTime.of(day, start, zone);
        LocalDate endDay = end.isAfter(start) ? day : day.plusDays(1);
        ZonedDateTime closes = ZonedDateTime.of(endDay, end, zone);
        return new Opening(opens.toInstant(), closes.toInstant());
    }

    /** {@code sat}, {@code saturday}, {@code Sat}... */
    public static DayOfWeek parseDay(String s) {
        String d = s.strip().toLowerCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            String full = day.name().toLowerCase(Locale.ROOT);
            if (d.equals(full) || d.equals(full.substring(0, 3))) return day;
        }
        throw new IllegalArgumentException("'" + s + "' is not a day of the week (mon, tue, wed, thu, fri, sat, sun)");
    }

    /** {@code HH:MM}, 24-hour. */
    public static LocalTime parseTime(String s) {
        try {
            return LocalTime.parse(s.strip().length() == 4 ? "0" + s.strip() : s.strip());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + s + "' is not a time of day HH:MM");
        }
    }

    public static String dayName(DayOfWeek d) {
        return d.name().substring(0, 3).toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return days.stream().sorted().map(MaintenanceWindow::dayName).collect(Collectors.joining(","))
                + " " + start + "-" + end + " " + zone;
    }
}

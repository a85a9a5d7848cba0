package dev.jplay.engine.logs;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --since} as {@code docker logs} takes it: a duration back from now ({@code 10m}, {@code 1h30m}, {@code 45s},
 * Go's units ns, us, ms, s, m, h), an RFC 3339 time ({@code 2026-12-07T19:44:21Z}, with an offset or, without one,
 * local time), a date ({@code 2026-12-07}, local midnight) or Unix seconds ({@code 1796672790.5}).
 */
public final class LogSince {
    private static final Pattern DURATION = Pattern.compile("(?:(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
    private static final Pattern UNIX = Pattern.compile("\\d+(\\.\\d{1,9})?");

    private LogSince() {}

    /** @throws IllegalArgumentException naming what is accepted */
    public static Instant parse(String text, Instant now, ZoneId zone) {
        String t = text.trim();
        if (UNIX.matcher(t).matches()) {
            BigDecimal seconds = new BigDecimal(t);
            return Instant.ofEpochSecond(seconds.longValue(), seconds.remainder(BigDecimal.ONE).movePointRight(9).longValue());
        }
        if (DURATION.matcher(t).matches()) return now.minus(duration(t));
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException notWithOffset) {
            // below
        }
        try {
            return LocalDateTime.parse(t).atZone(zone).toInstant();
        } catch (DateTimeParseException notLocal) {
            // below
        }
        try {
            return LocalDate.parse(t).atStartOfDay(zone).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--since must be a duration (10m, 1h30m), an RFC 3339 time "
                    + "(2026-12-07T19:44:21Z), a date (2026-12-07) or Unix seconds, got '" + text + "'");
        }
    }

    private static Duration duration(String text) {
        Matcher m = PART.matcher(text);
        BigDecimal nanos = BigDecimal.ZERO;
        while (m.find()) {
            long unit = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
        }
        return Duration.ofNanos(nanos.longValue());
    }

    /** {@code --tail}: a line count, or {@code all} (-1). */
    public static int tail(String text) {
        String t = text.trim();
        if (t.equals("all")) return -1;
        try {
            int n = Integer.parseInt(t);
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--tail must be a number of lines or 'all', got '" + text + "'");
    }
}

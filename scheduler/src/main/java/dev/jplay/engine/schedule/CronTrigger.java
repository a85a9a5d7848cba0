package dev.jplay.engine.schedule;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Unix 5-field cron expression read in a time zone. Fire times follow cron-utils, plus one rule for
 * daylight-saving gaps that cron-utils leaves out: a wall-clock time that does not exist (Europe/Berlin
 * 02:30 on the last Sunday of March) fires once at the first instant after the gap, as Vixie cron does.
 * In the repeated hour of autumn a fixed time fires once (its first occurrence), while a job that fires
 * every hour or more often keeps firing in real time.
 */
public final class CronTrigger {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String expression;
    private final ZoneId zone;
    private final ExecutionTime executionTime;
    private final Cron cron;

    private CronTrigger(String expression, ZoneId zone, Cron cron) {
        this.expression = expression;
        this.zone = zone;
        this.cron = cron;
        this.executionTime = ExecutionTime.forCron(cron);
    }

    /** @throws IllegalArgumentException naming the expression and what is wrong with it */
    public static CronTrigger parse(String expression, ZoneId zone) {
        if (expression == null || expression.isBlank()) throw new IllegalArgumentException("cron expression is empty");
        String trimmed = expression.strip();
        if (trimmed.split("\\s+").length != 5) {
            throw new IllegalArgumentException("cron '" + trimmed + "' must have 5 fields (minute hour day-of-month month day-of-week)");
        }
        try {
            return new CronTrigger(trimmed, zone, PARSER.parse(trimmed).validate());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cron '" + trimmed + "': " + e.getMessage(), e);
        }
    }

    public String expression() {
        return expression;
    }

    public ZoneId zone() {
        return zone;
    }

    /** Plain English, for {@code jplay schedule show}. */
    public String describe() {
        return CronDescriptor.instance(Locale.ENGLISH).describe(cron);
    }

    /** The first fire time strictly after {@code after}. */
    public Instant nextAfter(Instant after) {
        ZonedDateTime from = after.atZone(zone);
        Instant regular = executionTime.nextExecution(from)
                .map(ZonedDateTime::toInstant)
                .orElseThrow(() -> new IllegalStateException("cron '" + expression + "' never fires after " + after));
        ZoneOffsetTransition gap = zone.getRules().nextTransition(after);
        if (gap != null && gap.isGap() && !gap.getInstant().isAfter(regular) && matchesInGap(gap)) {
            return gap.getInstant();
        }
        return regular;
    }

    /** The last fire time at or before {@code t} (empty when the expression never fired before). */
    public java.util.Optional<Instant> lastAtOrBefore(Instant t) {
        Instant probe = t.plusNanos(1);
        java.util.Optional<Instant> last = executionTime.lastExecution(probe.atZone(zone)).map(ZonedDateTime::toInstant);
        // The DST-gap fire comes after cron-utils' last regular time: prefer it when it is the later one.
        Instant from = last.orElse(t.minus(Duration.ofDays(366)));
        Instant next = nextAfter(from);
        return next.isAfter(t) ? last : java.util.Optional.of(next);
    }

    /** Fire times in {@code (fromExclusive, toInclusive]}, at most {@code max} of them. */
    public List<Instant> between(Instant fromExclusive, Instant toInclusive, int max) {
        List<Instant> out = new ArrayList<>();
        Instant t = fromExclusive;
        while (out.size() < max) {
            t = nextAfter(t);
            if (t.isAfter(toInclusive)) break;
            out.add(t);
        }
        return out;
    }

    /** Whether a minute of local time skipped by {@code gap} matches the expression. */
    private boolean matchesInGap(ZoneOffsetTransition gap) {
        LocalDateTime local = gap.getDateTimeBefore();
        long minutes = Duration.between(gap.getDateTimeBefore(), gap.getDateTimeAfter()).toMinutes();
        for (long m = 0; m < minutes; m++) {
            // A fixed offset keeps the skipped wall-clock fields as written, so the cron fields can be matched.
            if (executionTime.isMatch(local.plusMinutes(m).atZone(gap.getOffsetBefore()))) return true;
        }
        return false;
    }

    @Override
    public String toString() {
        return expression + " (" + zone + ")";
    }
}

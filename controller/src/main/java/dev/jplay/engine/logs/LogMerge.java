package dev.jplay.engine.logs;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Merges the lines of many hosts into one stream in time order. A line is let out once every host still being
 * followed has read past its time (each host's {@code watermark}: what its agent had on disk when it read), or once
 * it has waited {@code maxHold} (a host that lags must not hold the others back for long): lines arriving later
 * than that are the only ones that can come out of order. Thread-safe.
 */
public final class LogMerge {
    private static final Comparator<LogLine> ORDER = Comparator.comparing(LogLine::time).thenComparingLong(LogLine::seq);

    private record Held(LogLine line, long arrivedNanos) {}

    private final PriorityQueue<Held> held = new PriorityQueue<>((a, b) -> ORDER.compare(a.line, b.line));
    private final long maxHoldNanos;

    public LogMerge(Duration maxHold) {
        this.maxHoldNanos = maxHold.toNanos();
    }

    public synchronized void add(LogLine line, long nowNanos) {
        held.add(new Held(line, nowNanos));
    }

    /**
     * The lines that may go out now, in order: those at or before {@code watermark} (null: no host is being
     * followed, so nothing more can come before them), and everything before the oldest line held too long.
     */
    public synchronized List<LogLine> release(Instant watermark, long nowNanos) {
        if (watermark == null) return releaseAll();
        Instant limit = watermark;
        for (Held h : held) {
            if (nowNanos - h.arrivedNanos >= maxHoldNanos && h.line.time().isAfter(limit)) limit = h.line.time();
        }
        List<LogLine> out = new ArrayList<>();
        while (!held.isEmpty() && !held.peek().line.time().isAfter(limit)) out.add(held.poll().line);
        return out;
    }

    /** Everything held, in order (at the end). */
    public synchronized List<LogLine> releaseAll() {
        List<LogLine> out = new ArrayList<>();
        while (!held.isEmpty()) out.add(held.poll().line);
        return out;
    }

    public synchronized int size() {
        return held.size();
    }
}

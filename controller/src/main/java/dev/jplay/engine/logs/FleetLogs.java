package dev.jplay.engine.logs;

import dev.jplay.engine.connection.AgentSession;
import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code jplay logs}: the output of matching instances on every host, through each host's one agent session (the
 * agent module {@code container_logs}), merged in time order ({@link LogMerge}). Without {@code follow} it reads
 * what is there and ends. With it, each host is polled every {@value #POLL_MILLIS} ms from its cursors, so lines
 * are neither lost nor repeated across rotations; a host that drops out is announced, retried with backoff (up to
 * {@link #MAX_BACKOFF} between attempts) and followed on from its cursors when it is back, until {@link #stop}.
 */
public final class FleetLogs {
    static final long POLL_MILLIS = 300;
    /** One poll reads about 1 MiB of files (milliseconds); a host that does not answer in this time is down. */
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    /** How long a line waits for a lagging host before it goes out anyway. */
    static final Duration MAX_HOLD = Duration.ofSeconds(2);
    /** Between the writer stamping a line and the line being on disk (a descheduled writer, under load). */
    static final Duration WRITE_MARGIN = Duration.ofMillis(200);
    /** A line longer than this (in pieces of 16 KiB) is shown in parts. */
    static final int MAX_JOINED_CHARS = 1 << 20;

    /** Where lines and notices go; called from several threads. */
    public interface Sink {
        void line(LogLine line);

        /** A host dropped out or came back ({@code -- web03 unreachable: ...; retrying}). */
        void notice(String text);
    }

    /**
     * @param names instance or app names (empty: all)
     * @param tail lines per instance at the start (-1: all)
     * @param since leave out older lines (null: none)
     */
    public record Request(List<String> names, int tail, Instant since, boolean follow) {}

    /** A host that could not be read (only without follow: with it, hosts are retried). */
    public record HostFailure(String host, String step, String code, String message, boolean unreachable) {}

    private final Connections connections;
    private final Map<String, HostTarget> targets;
    private final Request request;
    private final Sink sink;
    private final LogMerge merge = new LogMerge(MAX_HOLD);
    private final AtomicLong seq = new AtomicLong();
    private final List<HostFollower> followers = new ArrayList<>();
    private volatile boolean stopped;

    public FleetLogs(Connections connections, Map<String, HostTarget> targets, Request request, Sink sink) {
        this.connections = connections;
        this.targets = targets;
        this.request = request;
        this.sink = sink;
    }

    /** Reads (and follows) until every host is read, or {@link #stop}; returns the hosts that failed. */
    public List<HostFailure> run() throws InterruptedException {
        for (Map.Entry<String, HostTarget> t : targets.entrySet()) followers.add(new HostFollower(t.getKey(), t.getValue()));
        List<Thread> threads = new ArrayList<>();
        for (HostFollower f : followers) {
            Thread t = new Thread(f::run, "jplay-logs-" + f.host);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        try {
            while (!stopped && threads.stream().anyMatch(Thread::isAlive)) {
                emit(merge.release(watermark(), System.nanoTime()));
                Thread.sleep(100);
            }
        } finally {
            stopped = true;
            threads.forEach(Thread::interrupt);
            long deadline = System.nanoTime() + 2_000_000_000L; // one bound for all hosts, not one per host
            for (Thread t : threads) t.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            for (HostFollower f : followers) f.flushPartials();
            emit(merge.releaseAll());
        }
        List<HostFailure> failures = new ArrayList<>();
        for (HostFollower f : followers) if (f.failure != null) failures.add(f.failure);
        return failures;
    }

    /** Ends a follow: the lines already read go out, in order. */
    public void stop() {
        stopped = true;
    }

    private void emit(List<LogLine> lines) {
        for (LogLine l : lines) sink.line(l);
    }

    /** The oldest point every answering host has read past; null when none answers (nothing can come before). */
    private Instant watermark() {
        Instant min = null;
        for (HostFollower f : followers) {
            if (f.finished || !f.up) {
                if (f.waitingForFirst) return Instant.MIN; // its first answer may hold the oldest lines
                continue;
            }
            Instant w = f.watermark;
            if (min == null || w.isBefore(min)) min = w;
        }
        return min;
    }

    // ---- one host ----

    private final class HostFollower {
        final String host;
        final HostTarget target;
        final Map<String, Object> cursors = new LinkedHashMap<>();
        final Map<String, Partial> partials = new HashMap<>();
        volatile Instant watermark = Instant.MIN;
        volatile boolean up;
        volatile boolean waitingForFirst = true;
        volatile boolean finished;
        HostFailure failure;
        boolean first = true;

        HostFollower(String host, HostTarget target) {
            this.host = host;
            this.target = target;
        }

        void run() {
            long backoff = 500;
            try {
                while (!stopped) {
                    AgentResult r;
                    try {
                        AgentSession session = connections.session(target);
                        r = session.call("container_logs", args(), false, false, CALL_TIMEOUT, null)
                                .get(CALL_TIMEOUT.toSeconds() + 2, TimeUnit.SECONDS);
                    } catch (ConnectionException e) {
                        if (!down(e.step().id(), e.code(), e.getMessage(), true)) return;
                        backoff = pause(backoff);
                        continue;
                    } catch (ExecutionException e) {
                        ConnectionException c = Connections.unwrap(e.getCause());
                        if (!down(c.step().id(), c.code(), c.getMessage(), true)) return;
                        backoff = pause(backoff);
                        continue;
                    } catch (TimeoutException e) {
                        if (!down("agent", "TIMEOUT", "no answer within " + (CALL_TIMEOUT.toSeconds() + 2) + " s", true)) return;
                        backoff = pause(backoff);
                        continue;
                    }
                    if (r.failed()) {
                        String step = r.error() != null ? r.error().step().id() : "agent";
                        String code = r.error() != null ? r.error().code() : "FAILED";
                        if (!down(step, code, r.msg(), false)) return;
                        backoff = pause(backoff);
                        continue;
                    }
                    boolean more = take(r);
                    if (!up && !waitingForFirst) sink.notice("-- " + host + " back: following again");
                    up = true;
                    waitingForFirst = false;
                    backoff = 500;
                    if (!more && !request.follow()) return;
                    if (!more) Thread.sleep(POLL_MILLIS);
                }
            } catch (InterruptedException e) {
                // stopped
            } finally {
                finished = true;
                waitingForFirst = false;
            }
        }

        /** Marks the host down; false when that ends its reading (not following). */
        boolean down(String step, String code, String message, boolean unreachable) {
            connections.discard(target);
            if (!request.follow()) {
                failure = new HostFailure(host, step, code, message, unreachable);
                return false;
            }
            if (up || waitingForFirst) {
                sink.notice("-- " + host + (unreachable ? " unreachable: " : " failed: ") + step + "/" + code + ": " + message + "; retrying");
            }
            up = false;
            waitingForFirst = false;
            return true;
        }

        long pause(long backoff) throws InterruptedException {
            Thread.sleep(backoff);
            return Math.min(backoff * 2, MAX_BACKOFF.toMillis());
        }

        Map<String, Object> args() {
            Map<String, Object> a = new LinkedHashMap<>();
            a.put("names", request.names());
            a.put("cursors", new LinkedHashMap<>(cursors));
            a.put("tail", first ? request.tail() : -1); // instances that appear later are shown from their start
            if (request.since() != null) a.put("since", request.since().toString());
            return a;
        }

        /** Takes an answer's lines into the merge; true when a container has more to read at once. */
        boolean take(AgentResult r) {
            first = false;
            Map<String, Object> data = r.data() == null ? Map.of() : r.data();
            boolean more = false;
            long now = System.nanoTime();
            if (data.get("containers") instanceof List<?> containers) {
                for (Object o : containers) {
                    if (!(o instanceof Map<?, ?> c) || !(c.get("name") instanceof String name)) continue;
                    if (c.get("cursor") instanceof Map<?, ?> cursor) cursors.put(name, cursor);
                    if (Boolean.TRUE.equals(c.get("more"))) more = true;
                    if (c.get("lines") instanceof List<?> lines) {
                        for (Object line : lines) if (line instanceof String record) record(name, record, now);
                    }
                }
            }
            if (data.get("now") instanceof String t) {
                try {
                    watermark = Instant.parse(t).minus(WRITE_MARGIN);
                } catch (DateTimeParseException ignored) {
                    // an agent's answer is untrusted: keep the last watermark
                }
            }
            return more;
        }

        void record(String instance, String record, long now) {
            Map<String, Object> m;
            try {
                m = Json.asObject(Json.parse(record.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException notARecord) {
                return;
            }
            if (!(m.get("log") instanceof String text)) return;
            String stream = "stderr".equals(m.get("stream")) ? "stderr" : "stdout";
            Instant time;
            try {
                time = m.get("time") instanceof String t ? Instant.parse(t) : Instant.EPOCH;
            } catch (DateTimeParseException e) {
                time = Instant.EPOCH;
            }
            String key = instance + "\0" + stream;
            Partial p = partials.get(key);
            boolean whole = text.endsWith("\n");
            if (p == null && whole) {
                add(instance, stream, time, text.substring(0, text.length() - 1), now);
                return;
            }
            if (p == null) partials.put(key, p = new Partial(time, new StringBuilder()));
            p.text.append(whole ? text.substring(0, text.length() - 1) : text);
            if (whole || p.text.length() >= MAX_JOINED_CHARS) {
                partials.remove(key);
                add(instance, stream, p.time, p.text.toString(), now);
            }
        }

        void add(String instance, String stream, Instant time, String text, long now) {
            merge.add(new LogLine(host, instance, stream, time, text, seq.incrementAndGet()), now);
        }

        void flushPartials() {
            long now = System.nanoTime();
            partials.forEach((key, p) -> {
                int zero = key.indexOf('\0');
                add(key.substring(0, zero), key.substring(zero + 1), p.time, p.text.toString(), now);
            });
            partials.clear();
        }
    }

    private record Partial(Instant time, StringBuilder text) {}
}

package dev.jplay.engine.logs;

import java.time.Instant;

/**
 * One line of an instance's output as {@code jplay logs} shows it: a whole line (the pieces a long line was split
 * into are joined again), without its newline.
 *
 * @param seq order of arrival, which keeps one instance's lines in their order when their times are equal
 */
public record LogLine(String host, String instance, String stream, Instant time, String text, long seq) {

    /** {@code web03 web-17 | text}, with the time first when asked for (as {@code docker logs -t}). */
    public String format(boolean timestamps) {
        return (timestamps ? time + " " : "") + host + " " + instance + " | " + text;
    }
}

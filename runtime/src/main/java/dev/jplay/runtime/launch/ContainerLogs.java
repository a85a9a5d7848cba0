package dev.jplay.runtime.launch;

import java.io.IOException;

/** The tails of a container's stdout and stderr, from its json-file log (all runs, rotated files included). */
public record ContainerLogs(String stdout, String stderr) {
    /** Records read back to find the tails: enough for a few KiB of short lines, bounded for long ones. */
    private static final int TAIL_RECORDS = 2000;
    private static final long TAIL_READ_BYTES = 4L << 20;

    /** The last {@code tailBytes} characters of each stream. */
    static ContainerLogs tail(JsonLogFiles log, long tailBytes) throws IOException {
        JsonLogFiles.Cursor from = log.tail(TAIL_RECORDS);
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        if (from != null) {
            for (String record : log.read(from, TAIL_READ_BYTES).lines()) {
                JsonLogLine line = JsonLogLine.parse(record);
                if (line != null) (line.stream().equals("stderr") ? err : out).append(line.log());
            }
        }
        return new ContainerLogs(last(out, tailBytes), last(err, tailBytes));
    }

    private static String last(StringBuilder text, long max) {
        return text.length() <= max ? text.toString() : text.substring(text.length() - (int) Math.max(0, max));
    }
}

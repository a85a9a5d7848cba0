package dev.jplay.runtime.launch;

import dev.jplay.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** One record of a json-file log, {@code {"log":"...\n","stream":"stdout","time":"..."}} (see {@link LogWriterScript}). */
public record JsonLogLine(String log, String stream, Instant time) {
    private static final String TIME_KEY = "\"time\":\"";

    /** The record's time, read without parsing the rest (the writer puts it last); {@link Instant#EPOCH} if it has none. */
    public static Instant time(String record) {
        int at = record.lastIndexOf(TIME_KEY);
        if (at < 0) return Instant.EPOCH;
        int from = at + TIME_KEY.length();
        int to = record.indexOf('"', from);
        try {
            return to < 0 ? Instant.EPOCH : Instant.parse(record.substring(from, to));
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    /** The record, or null when the line is not one (a torn write, another tool's line). */
    public static JsonLogLine parse(String record) {
        try {
            if (!(Json.parse(record.getBytes(StandardCharsets.UTF_8)) instanceof Map<?, ?> m)) return null;
            Object log = m.get("log");
            Object stream = m.get("stream");
            if (!(log instanceof String l) || !(stream instanceof String s)) return null;
            return new JsonLogLine(l, s, time(record));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

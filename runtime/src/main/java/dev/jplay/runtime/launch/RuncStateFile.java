package dev.jplay.runtime.launch;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Tells a running container from runc's {@code state.json} and /proc, as {@code runc state} itself decides it
 * (libcontainer's runType: the init pid exists with the recorded start time and is no zombie, and the exec fifo is
 * gone; here also: the init has exec'd the container's command), without starting runc: a spawn of runc costs the agent a fork and runc ~10 ms of CPU per container.
 *
 * <p>Only "running" is answered here. Anything else (created, stopped, paused, an unreadable or unexpected file)
 * is empty, and the caller asks runc.
 */
final class RuncStateFile {
    private static final JsonFactory JSON = new JsonFactory();

    private RuncStateFile() {}

    /** The container's state when it is certainly running; empty when runc must be asked. */
    static Optional<RuncState> running(Path containerStateDir) {
        if (Files.exists(containerStateDir.resolve("exec.fifo"))) return Optional.empty(); // created, not started
        Fields f;
        try {
            f = read(containerStateDir.resolve("state.json"));
        } catch (NoSuchFileException gone) {
            return Optional.empty();
        } catch (IOException | RuntimeException unexpected) {
            return Optional.empty();
        }
        if (f.id == null || f.pid <= 0 || f.startTime < 0 || f.paused) return Optional.empty();
        if (!isLiveWithStartTime(f.pid, f.startTime) || stillRuncInit(f.pid)) return Optional.empty();
        return Optional.of(new RuncState(f.id, (int) f.pid, "running", f.bundle, f.created));
    }

    /** The process exists, started at {@code startTime} (clock ticks after boot, field 22 of stat) and is not a zombie. */
    static boolean isLiveWithStartTime(long pid, long startTime) {
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException gone) {
            return false;
        }
        int close = stat.lastIndexOf(')');
        if (close < 0) return false;
        String[] fields = stat.substring(close + 2).split(" "); // fields[0] is field 3 (state)
        if (fields.length < 20) return false;
        char state = fields[0].charAt(0);
        if (state == 'Z' || state == 'X' || state == 'x') return false;
        try {
            return Long.parseLong(fields[19]) == startTime;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * The init is still {@code runc init}, about to exec the container's command (which may yet fail, e.g. a missing
     * binary): not "running" in the sense callers wait for. runc itself would say running; it is asked then.
     */
    static boolean stillRuncInit(long pid) {
        try {
            String[] argv = Files.readString(Path.of("/proc", Long.toString(pid), "cmdline")).split("\0");
            return argv.length >= 2 && argv[0].endsWith("runc") && argv[1].equals("init");
        } catch (IOException gone) {
            return true; // gone meanwhile: not running
        }
    }

    private static final class Fields {
        String id;
        long pid = -1;
        long startTime = -1;
        String created;
        String bundle;
        boolean paused;
    }

    /** The few top-level fields, and the bundle label of config; the rest (the whole spec) is skipped. */
    private static Fields read(Path file) throws IOException {
        Fields f = new Fields();
        try (JsonParser p = JSON.createParser(Files.readAllBytes(file))) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("not a JSON object: " + file);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                switch (name) {
                    case "id" -> f.id = p.getValueAsString();
                    case "init_process_pid" -> f.pid = p.getValueAsLong(-1);
                    case "init_process_start" -> f.startTime = value == JsonToken.VALUE_STRING
                            ? parseLong(p.getText()) : p.getValueAsLong(-1); // older runc wrote a string
                    case "created" -> f.created = p.getValueAsString();
                    case "paused" -> f.paused = value == JsonToken.VALUE_TRUE;
                    case "config" -> f.bundle = bundleLabel(p);
                    default -> p.skipChildren();
                }
            }
        }
        return f;
    }

    /** config.labels holds "bundle=/path"; the parser is at config's START_OBJECT and ends at its END_OBJECT. */
    private static String bundleLabel(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String bundle = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("labels") && value == JsonToken.START_ARRAY) {
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    String label = p.getValueAsString();
                    if (label != null && label.startsWith("bundle=")) bundle = label.substring("bundle=".length());
                }
            } else {
                p.skipChildren();
            }
        }
        return bundle;
    }

    private static long parseLong(String s) {
        try {
            return Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}

package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.fs.ByteSize;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a container's output is kept: Docker's {@code json-file} driver and its {@code max-size}/{@code max-file}
 * options (Ansible docker_container's {@code log_driver}/{@code log_options}). Unlike Docker, whose json-file default
 * is unbounded, jplay's defaults are capped ({@value #DEFAULT_MAX_SIZE} x {@value #DEFAULT_MAX_FILE} files, 30 MiB a
 * container; Docker's {@code local} driver keeps 20m x 5), and "unbounded" cannot be asked for: logs never fill a disk.
 *
 * @param maxSize bytes after which the file is rotated
 * @param maxFile how many files are kept, the current one included (1: the file is truncated instead)
 */
public record LogConfig(String driver, long maxSize, int maxFile) {
    public static final String JSON_FILE = "json-file";
    public static final String DEFAULT_MAX_SIZE = "10m";
    public static final int DEFAULT_MAX_FILE = 3;
    public static final LogConfig DEFAULT = new LogConfig(JSON_FILE, ByteSize.parse(DEFAULT_MAX_SIZE), DEFAULT_MAX_FILE);
    /** Docker's json-file options; those that change nothing here are refused rather than silently ignored. */
    static final List<String> OPTIONS = List.of("max-size", "max-file");
    /** Below this a file rotates on nearly every line (one line is up to 16 KiB of output, escaped). */
    static final long MIN_MAX_SIZE = 64 * 1024;

    public LogConfig {
        if (!JSON_FILE.equals(driver)) {
            throw new LaunchException(Step.ARGS, "BAD_LOG_DRIVER", "log_driver must be json-file (the only driver jplay has), got '" + driver + "'");
        }
        if (maxSize < MIN_MAX_SIZE) {
            throw new LaunchException(Step.ARGS, "BAD_LOG_OPTION", "log_options max-size must be at least 64k, got " + maxSize + " bytes");
        }
        if (maxFile < 1 || maxFile > 100) {
            throw new LaunchException(Step.ARGS, "BAD_LOG_OPTION", "log_options max-file must be 1 to 100, got " + maxFile);
        }
    }

    /**
     * From the task's {@code log_driver} (null: json-file) and {@code log_options} (null: none; values as strings or
     * numbers, Docker's names), with jplay's defaults for what is not given.
     */
    public static LogConfig parse(String driver, Map<String, ?> options) {
        String d = driver == null ? JSON_FILE : driver.trim();
        long maxSize = DEFAULT.maxSize;
        int maxFile = DEFAULT.maxFile;
        if (options != null) {
            for (Map.Entry<String, ?> e : options.entrySet()) {
                String key = e.getKey().replace('_', '-');
                String value = e.getValue() == null ? "" : String.valueOf(e.getValue()).trim();
                switch (key) {
                    case "max-size" -> {
                        try {
                            maxSize = ByteSize.parse(value);
                        } catch (IllegalArgumentException bad) {
                            throw new LaunchException(Step.ARGS, "BAD_LOG_OPTION",
                                    "log_options max-size must look like 10m, 512k or a byte count (no -1: jplay's logs are always capped), got '" + value + "'");
                        }
                    }
                    case "max-file" -> {
                        try {
                            maxFile = Integer.parseInt(value);
                        } catch (NumberFormatException bad) {
                            throw new LaunchException(Step.ARGS, "BAD_LOG_OPTION", "log_options max-file must be a whole number, got '" + value + "'");
                        }
                    }
                    default -> throw new LaunchException(Step.ARGS, "BAD_LOG_OPTION",
                            "log_options: unknown option '" + e.getKey() + "' (json-file here takes " + String.join(", ", OPTIONS) + ")");
                }
            }
        }
        return new LogConfig(d, maxSize, maxFile);
    }

    /** As recorded in spec.json and shown in a diff. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("driver", driver);
        m.put("max_file", maxFile);
        m.put("max_size", maxSize);
        return m;
    }

    static LogConfig fromJson(Map<String, Object> m) {
        if (m == null) return null;
        Object size = m.get("max_size");
        Object files = m.get("max_file");
        return new LogConfig(String.valueOf(m.get("driver")), size instanceof Number n ? n.longValue() : DEFAULT.maxSize,
                files instanceof Number n ? n.intValue() : DEFAULT.maxFile);
    }
}

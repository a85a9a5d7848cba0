package dev.jplay.runtime.launch;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Docker's memory size syntax: a number with an optional binary unit b, k, m, g (optionally followed by "b"). */
final class MemorySize {
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([bkmgt]?)b?");

    private MemorySize() {}

    static long parseBytes(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new LaunchException(LaunchException.Step.SPEC, "BAD_MEMORY",
                    "memory must look like 256m, 1g or a byte count, got '" + text + "'");
        }
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        long bytes = new java.math.BigDecimal(m.group(1)).multiply(java.math.BigDecimal.valueOf(1L << shift)).longValue();
        // runc (and the kernel) refuse tiny limits with an unhelpful error; Docker's floor is 6 MiB.
        if (bytes < 6L << 20) {
            throw new LaunchException(LaunchException.Step.SPEC, "BAD_MEMORY", "memory must be at least 6m, got '" + text + "'");
        }
        return bytes;
    }
}

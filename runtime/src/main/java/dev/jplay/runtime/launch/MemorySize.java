package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import dev.jplay.runtime.fs.ByteSize;

/** Docker's memory size syntax ({@link ByteSize}), at least 6m. */
final class MemorySize {
    private MemorySize() {}

    static long parseBytes(String text) {
        long bytes;
        try {
            bytes = ByteSize.parse(text);
        } catch (IllegalArgumentException e) {
            throw new LaunchException(Step.ARGS, "BAD_MEMORY",
                    "memory must look like 256m, 1g or a byte count, got '" + text + "'");
        }
        // runc (and the kernel) refuse tiny limits with an unhelpful error; Docker's floor is 6 MiB.
        if (bytes < 6L << 20) {
            throw new LaunchException(Step.ARGS, "BAD_MEMORY", "memory must be at least 6m, got '" + text + "'");
        }
        return bytes;
    }
}

package dev.jplay.modules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Who the agent runs as, for modules that need root. */
public final class Privileges {
    private Privileges() {}

    /** The agent's effective uid (from /proc/self/status), or -1 when unknown. */
    public static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) return Long.parseLong(line.split("\\s+")[2]); // real, effective, ...
            }
        } catch (IOException | RuntimeException e) {
            // no procfs: fall through
        }
        return "root".equals(System.getProperty("user.name")) ? 0 : -1;
    }
}

package dev.jplay.engine.connection;

import java.util.Locale;
import java.util.Map;

/**
 * What a Java runtime must match to run on a host: the kernel ({@code Linux}), the CPU architecture and the C
 * library ({@code gnu} for glibc, {@code musl}). A host says it with {@code uname -s}, {@code uname -m} and the
 * presence of a musl loader; a JDK says it in its {@code release} file ({@code OS_NAME}, {@code OS_ARCH}, {@code LIBC}).
 * Architecture names differ between the two ({@code amd64}/{@code x86_64}, {@code arm64}/{@code aarch64}): both
 * are normalised to the kernel's spelling.
 */
record HostPlatform(String os, String arch, String libc) {

    HostPlatform {
        os = os == null || os.isBlank() ? "unknown" : os.strip();
        arch = normalizeArch(arch);
        libc = libc == null || libc.isBlank() ? "unknown" : libc.strip().toLowerCase(Locale.ROOT);
    }

    /** From a JDK's {@code release} file; a JDK without {@code LIBC} (older builds) is a glibc one. */
    static HostPlatform ofRelease(Map<String, String> release) {
        String libc = release.get("LIBC");
        return new HostPlatform(release.get("OS_NAME"), release.get("OS_ARCH"), libc == null ? "gnu" : libc);
    }

    /** The kernel's spelling: x86_64, aarch64, arm, x86, or the name as given (ppc64le, s390x, riscv64...). */
    static String normalizeArch(String arch) {
        if (arch == null || arch.isBlank()) return "unknown";
        String a = arch.strip().toLowerCase(Locale.ROOT);
        switch (a) {
            case "amd64": case "x86-64": case "x64": return "x86_64";
            case "arm64": return "aarch64";
            case "i386": case "i486": case "i586": case "i686": case "x86": return "x86";
            default:
                return a.startsWith("armv") || a.equals("arm") || a.equals("aarch32") ? "arm" : a;
        }
    }

    /** Null when a runtime built for this platform runs on {@code host}; else what differs, naming both sides. */
    String mismatch(HostPlatform host) {
        StringBuilder why = new StringBuilder();
        if (!os.equalsIgnoreCase(host.os)) why.append("OS ").append(host.os).append(" vs ").append(os);
        if (!arch.equals(host.arch)) {
            if (why.length() > 0) why.append(", ");
            why.append("architecture ").append(host.arch).append(" vs ").append(arch);
        }
        if (!libc.equals(host.libc) && !host.libc.equals("unknown")) {
            if (why.length() > 0) why.append(", ");
            why.append("C library ").append(host.libc).append(" vs ").append(libc);
        }
        return why.length() == 0 ? null : why.toString();
    }

    /** "Linux x86_64 gnu". */
    String describe() {
        return os + " " + arch + " " + libc;
    }
}

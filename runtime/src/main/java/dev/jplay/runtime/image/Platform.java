package dev.jplay.runtime.image;

import dev.jplay.protocol.Json;
import java.util.Locale;
import java.util.Map;

/** An image platform as found in an index entry: {@code linux/arm64/v8}. */
public record Platform(
        String os,
        String architecture,
        String variant) {

    public Platform {
        if (os == null || os.isBlank()) throw new IllegalArgumentException("platform os is required");
        if (architecture == null || architecture.isBlank()) throw new IllegalArgumentException("platform architecture is required");
        if (variant != null && variant.isBlank()) variant = null;
    }

    /** From an index entry's {@code platform} object; other fields ({@code os.version}, {@code features}) are ignored. */
    static Platform fromJson(Map<String, Object> m) {
        return new Platform(Json.string(m, "os"), Json.string(m, "architecture"), Json.string(m, "variant"));
    }

    /** Parses {@code os/arch[/variant]}, e.g. {@code linux/arm/v7}. */
    public static Platform parse(String text) {
        String[] parts = text.split("/", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("invalid platform '" + text + "' (want os/arch[/variant])");
        }
        return new Platform(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    /** The platform of this JVM, with Java's arch names mapped to Go's (amd64, arm64, ...). */
    public static Platform host() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String goArch = switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            case "arm" -> "arm";
            default -> arch;
        };
        return new Platform("linux", goArch, null);
    }

    /**
     * Whether an index entry's platform satisfies this wanted platform. A wanted platform without a variant
     * accepts any variant; arm64's implicit variant is v8.
     */
    public boolean accepts(Platform candidate) {
        if (candidate == null) return false;
        if (!os.equals(candidate.os) || !architecture.equals(candidate.architecture)) return false;
        if (variant == null) return true;
        return variant.equals(normalizedVariant(candidate));
    }

    private static String normalizedVariant(Platform p) {
        if (p.variant == null && p.architecture.equals("arm64")) return "v8";
        return p.variant;
    }

    @Override
    public String toString() {
        return os + "/" + architecture + (variant == null ? "" : "/" + variant);
    }
}

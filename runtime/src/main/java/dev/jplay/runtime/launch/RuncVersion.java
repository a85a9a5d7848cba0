package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsed {@code runc --version}. {@link #version()} is the full string (e.g. "1.1.5+ds1", with a distribution
 * suffix); {@link #upstream()} is the upstream release it is built from ("1.1.5").
 */
public record RuncVersion(String version, String commit, String spec) {
    private static final Pattern VERSION_LINE = Pattern.compile("(?m)^runc version (\\S+)");
    private static final Pattern COMMIT_LINE = Pattern.compile("(?m)^commit: (\\S+)");
    private static final Pattern SPEC_LINE = Pattern.compile("(?m)^spec: (\\S+)");
    private static final Pattern UPSTREAM = Pattern.compile("^v?(\\d+\\.\\d+\\.\\d+(?:-rc\\.?\\d+)?)");

    public static RuncVersion parse(String output) {
        Matcher version = VERSION_LINE.matcher(output);
        if (!version.find()) {
            throw new LaunchException(Step.INSPECT, "RUNTIME_VERSION_UNKNOWN",
                    "cannot find 'runc version' in: " + Tail.lastLines(output, 5, 500));
        }
        return new RuncVersion(version.group(1), group(COMMIT_LINE, output), group(SPEC_LINE, output));
    }

    /** The upstream release, without distribution suffixes such as "+ds1" or "~deb12u1". */
    public String upstream() {
        Matcher m = UPSTREAM.matcher(version);
        return m.find() ? m.group(1) : version;
    }

    private static String group(Pattern pattern, String output) {
        Matcher m = pattern.matcher(output);
        return m.find() ? m.group(1) : null;
    }
}

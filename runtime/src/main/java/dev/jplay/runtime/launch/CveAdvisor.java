package dev.jplay.runtime.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Warns when the upstream runc release is one with a published container escape. Only warns: distributions
 * backport fixes without changing the upstream number (Debian's 1.1.5+ds1-1+deb12u1 carries the CVE-2024-21626
 * fix), so refusing would break patched hosts.
 */
public final class CveAdvisor {

    /** A known escape: affects versions in [introducedIn, fixedIn), or [.., fixedIn) when introducedIn is null. */
    record Advisory(String cve, String summary, String introducedIn, String fixedIn) {}

    static final List<Advisory> ADVISORIES = List.of(
            new Advisory("CVE-2019-5736", "host runc binary overwrite via /proc/self/exe", null, "1.0.0-rc7"),
            new Advisory("CVE-2021-30465", "symlink-exchange race in mount setup escapes the rootfs", null, "1.0.0-rc95"),
            new Advisory("CVE-2024-21626", "leaked host fd lets process.cwd escape to the host filesystem", null, "1.1.12"),
            new Advisory("CVE-2025-31133/52565/52881", "masked-path and /dev/console races redirect writes to host procfs",
                    null, "1.2.8"),
            new Advisory("CVE-2025-31133/52565/52881", "masked-path and /dev/console races redirect writes to host procfs",
                    "1.3.0", "1.3.3"),
            new Advisory("CVE-2025-31133/52565/52881", "masked-path and /dev/console races redirect writes to host procfs",
                    "1.4.0-rc.1", "1.4.0-rc.3"));

    private static final Pattern SEMVER = Pattern.compile("(\\d+)\\.(\\d+)\\.(\\d+)(?:-rc\\.?(\\d+))?");

    private CveAdvisor() {}

    /** Human-readable warnings, empty when the release has none of the known escapes. */
    public static List<String> warnings(RuncVersion version) {
        List<String> warnings = new ArrayList<>();
        String upstream = version.upstream();
        for (Advisory advisory : ADVISORIES) {
            boolean introduced = advisory.introducedIn() == null || compare(upstream, advisory.introducedIn()) >= 0;
            if (introduced && compare(upstream, advisory.fixedIn()) < 0) {
                warnings.add("runc " + version.version() + " is older than " + advisory.fixedIn() + ": "
                        + advisory.cve() + " (" + advisory.summary() + "); ignore if your distribution backported the fix");
            }
        }
        return List.copyOf(warnings);
    }

    /** Compares x.y.z[-rcN]; a release candidate sorts before its release. Unparseable versions sort lowest. */
    static int compare(String a, String b) {
        long[] x = key(a);
        long[] y = key(b);
        for (int i = 0; i < x.length; i++) {
            int c = Long.compare(x[i], y[i]);
            if (c != 0) return c;
        }
        return 0;
    }

    private static long[] key(String version) {
        Matcher m = SEMVER.matcher(version);
        if (!m.find()) return new long[] {-1, 0, 0, 0};
        long rc = m.group(4) == null ? Long.MAX_VALUE : Long.parseLong(m.group(4));
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), rc};
    }
}

package dev.jplay.reports;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small reports built the way the runner builds them. */
final class Fixtures {
    static final String SCRIPT = "<script>alert(1)</script>";

    private Fixtures() {}

    static TaskOutcome ok(String host, String task, String started, long ms) {
        return new TaskOutcome(host, "deploy", task, "command", "site.yml:4:7", TaskOutcome.CHANGED, true, false, null, 0,
                "done", "", null, null, started, ms, null);
    }

    static TaskOutcome skipped(String host, String task, String started) {
        return new TaskOutcome(host, "deploy", task, "command", "site.yml:8:7", TaskOutcome.SKIPPED, false, false, null, null,
                null, null, null, null, started, 0, null);
    }

    static TaskOutcome failed(String host, String task, Object item, String stderr, Map<String, Object> extraDetail, boolean ignored,
                              String started) {
        Map<String, Object> detail = new LinkedHashMap<>(extraDetail);
        detail.put("rc", 2);
        detail.put("stderr_tail", stderr);
        FailureInfo f = new FailureInfo(host, task, "site.yml:12:7", "exec", "NON_ZERO_RC", "non-zero return code", detail);
        return new TaskOutcome(host, "deploy", task, "shell", "site.yml:12:7", TaskOutcome.FAILED, false, ignored, item, 2,
                "", stderr, "non-zero return code", null, started, 40, f);
    }

    static TaskOutcome unreachable(String host, String address, int port, String started) {
        String cause = host + " (" + address + (port == 22 ? "" : ":" + port) + "): connect failed [CONNECT_REFUSED]: cannot connect to "
                + address + ":" + port + ": Connection refused";
        FailureInfo f = new FailureInfo(host, "install", "site.yml:4:7", "connect", "CONNECT_REFUSED", cause, null);
        return new TaskOutcome(host, "deploy", "install", "command", "site.yml:4:7", TaskOutcome.UNREACHABLE, false, false, null,
                null, null, null, cause, null, started, 0, f);
    }

    static RunReport report(List<TaskOutcome> results) {
        Map<String, HostRecap> recap = new LinkedHashMap<>();
        List<FailureInfo> failures = new ArrayList<>();
        for (TaskOutcome o : results) {
            recap.merge(o.host(), HostRecap.ZERO.add(o), (a, b) -> a.add(o));
            if (o.error() != null && !o.ignored()) failures.add(o.error());
        }
        int exit = failures.isEmpty() ? 0 : 2;
        return new RunReport(RunReport.SCHEMA_VERSION, "20260101T000000Z-abcdef", "0.1.0", "site.yml", List.of("hosts.ini"), false,
                "2026-01-01T00:00:00Z", "2026-01-01T00:00:03Z", 3000, exit, exit == 0 ? "ok" : "failed", recap, failures, results);
    }
}

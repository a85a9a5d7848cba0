package dev.jplay.reports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/** Groups a run's failures by step, code and normalized cause, biggest group first. Details are redacted. */
public final class FailureSummary {
    private FailureSummary() {}

    public static List<FailureGroup> of(RunReport report) {
        record Key(String step, String code, String cause) {}
        Map<Key, List<FailureInfo>> byKey = new LinkedHashMap<>();
        for (FailureInfo f : report.failures() == null ? List.<FailureInfo>of() : report.failures()) {
            byKey.computeIfAbsent(new Key(f.step(), f.code(), FailureCause.normalized(f)), k -> new ArrayList<>()).add(f);
        }
        List<FailureGroup> groups = new ArrayList<>();
        byKey.forEach((key, failures) -> {
            LinkedHashSet<String> hosts = new LinkedHashSet<>();
            LinkedHashSet<String> tasks = new LinkedHashSet<>();
            for (FailureInfo f : failures) {
                hosts.add(f.host() == null ? "?" : f.host());
                if (f.task() != null) tasks.add(f.task());
            }
            FailureInfo first = Redaction.redact(failures.get(0));
            groups.add(new FailureGroup(key.step(), key.code(), key.cause(), failures.size(), List.copyOf(hosts),
                    List.copyOf(tasks), first.location(), first, NextAction.suggest(first)));
        });
        // stable sort: equal counts keep the order in which they first failed
        groups.sort(Comparator.comparingInt(FailureGroup::count).reversed());
        return groups;
    }
}

package dev.jplay.runtime.launch;

import java.util.List;

/**
 * Outcome of an ensure-method: the status afterwards, whether anything was changed, and why.
 *
 * @param diff one line per differing field when an existing container was recreated ("env: {..} -> {..}")
 * @param warnings e.g. runtime CVE advisories
 */
public record ContainerResult(ContainerStatus status, boolean changed, List<String> diff, List<String> warnings) {
    public ContainerResult {
        diff = List.copyOf(diff);
        warnings = List.copyOf(warnings);
    }
}

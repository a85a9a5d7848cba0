package dev.jplay.runtime.launch;

import dev.jplay.protocol.Json;
import java.util.Map;

/** The useful part of {@code runc state} / {@code runc list --format json}; status is created, running, paused or stopped. */
public record RuncState(String id, int pid, String status, String bundle, String created) {

    /** From runc's JSON; other fields are ignored, a missing pid reads as 0. */
    static RuncState fromJson(Map<String, Object> m) {
        Integer pid = Json.intValue(m, "pid");
        return new RuncState(Json.string(m, "id"), pid == null ? 0 : pid, Json.string(m, "status"),
                Json.string(m, "bundle"), Json.string(m, "created"));
    }

    public boolean isRunning() { return "running".equals(status); }
}

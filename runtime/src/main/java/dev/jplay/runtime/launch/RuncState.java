package dev.jplay.runtime.launch;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The useful part of {@code runc state} / {@code runc list --format json}; status is created, running, paused or stopped. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RuncState(String id, int pid, String status, String bundle, String created) {

    public boolean isRunning() { return "running".equals(status); }
}

package dev.jplay.engine.schedule;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A process named so that it can be recognised later: pid, the host it runs on, and when it started (a pid
 * can be reused by a newer process after a crash; the start time tells them apart).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProcessIdentity(@JsonProperty("pid") long pid, @JsonProperty("host") String host,
                              @JsonProperty("process_started") String processStarted) {

    public static ProcessIdentity current() {
        ProcessHandle self = ProcessHandle.current();
        return new ProcessIdentity(self.pid(), hostName(),
                self.info().startInstant().map(Instant::toString).orElse(null));
    }

    /**
     * True when this process certainly no longer runs: it ran on this host and its pid is gone or now belongs
     * to a process started at another time. A process on another host is never declared dead.
     */
    @JsonIgnore
    public boolean isDeadHere() {
        if (!hostName().equals(host)) return false;
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) return true;
        if (processStarted == null) return false;
        Optional<Instant> actual = handle.get().info().startInstant();
        return actual.isPresent()
                && Duration.between(actual.get(), Instant.parse(processStarted)).abs().compareTo(Duration.ofSeconds(2)) > 0;
    }

    static String hostName() {
        try {
            String h = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!h.isEmpty()) return h;
        } catch (IOException e) {
            // not Linux: ask the resolver
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public String toString() {
        return "pid " + pid + " on " + host + (processStarted == null ? "" : " (started " + processStarted + ")");
    }
}

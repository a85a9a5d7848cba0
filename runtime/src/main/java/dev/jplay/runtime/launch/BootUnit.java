package dev.jplay.runtime.launch;

import dev.jplay.io.AtomicFiles;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.fs.HostCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The systemd unit that brings a host's containers back after a reboot, since jplay has no daemon that would run at
 * boot (dockerd is Docker's): {@value #NAME} (see {@link #nameFor}), a oneshot run of the agent jar's restore entry point, enabled in
 * {@code multi-user.target} while any container on the host is to be started at boot, or the host has pool routes or
 * fleet service rules recorded ({@code HostNetworkRecords}). After {@code network-online.target}, as dockerd's unit: a
 * pool route's gateway must be on a configured interface.
 *
 * <p>One unit for all containers, not a template unit per instance: a boot then starts one JVM (~40 MB, ~0.3 s of
 * CPU here) instead of one per container, and the restore, which must redo the overlay mount and the CNI attachment
 * under the same locks the agent takes, runs in one place. {@code systemctl status jplay-restore} lists what it
 * restored, one line per container. {@code KillMode=process}: the supervisors it starts outlive it, as they outlive
 * the agent, and stopping or restarting the unit does not stop containers.
 *
 * <p>Installing is idempotent: the unit file is written only when its text differs, {@code daemon-reload} only then,
 * {@code enable} only when the {@code multi-user.target.wants} link is missing; an unchanged host runs no command.
 */
public final class BootUnit {
    /** The unit of the privileged agent's usual state directory, {@value #DEFAULT_STATE_DIR}. */
    public static final String NAME = "jplay-restore.service";
    static final String DEFAULT_STATE_DIR = "/var/lib/jplay";
    private static final Duration SYSTEMCTL_TIMEOUT = Duration.ofSeconds(60);

    private final Path unitDir;
    private final Path systemdRunDir;
    private final String name;

    /**
     * The host's unit for the containers of {@code stateDir}: in {@code /etc/systemd/system}, systemd running when
     * {@code /run/systemd/system} exists.
     */
    public static BootUnit host(Path stateDir) {
        return new BootUnit(Path.of("/etc/systemd/system"), Path.of("/run/systemd/system"), nameFor(stateDir));
    }

    /**
     * {@value #NAME} for {@value #DEFAULT_STATE_DIR}; another state directory (root logging in without become keeps
     * {@code /root/.jplay/state}) gets its own unit, {@code jplay-restore-<8 hex of its path's SHA-256>.service}, so
     * two state directories on one host do not take turns rewriting one unit.
     */
    public static String nameFor(Path stateDir) {
        String dir = stateDir.toAbsolutePath().normalize().toString();
        if (dir.equals(DEFAULT_STATE_DIR)) return NAME;
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(dir.getBytes(StandardCharsets.UTF_8));
            return "jplay-restore-" + java.util.HexFormat.of().formatHex(hash, 0, 4) + ".service";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public BootUnit(Path unitDir, Path systemdRunDir, String name) {
        this.unitDir = unitDir;
        this.systemdRunDir = systemdRunDir;
        this.name = name;
    }

    public String name() {
        return name;
    }

    /** Whether systemd is this host's init: the test sd_booted(3) uses. */
    public boolean systemdRuns() {
        return Files.isDirectory(systemdRunDir);
    }

    public Path unitFile() {
        return unitDir.resolve(name);
    }

    Path wantsLink() {
        return unitDir.resolve("multi-user.target.wants").resolve(name);
    }

    public boolean installed() {
        return Files.exists(unitFile()) || Files.isSymbolicLink(wantsLink());
    }

    /** The unit's text for a restore that runs {@code command} on the state in {@code stateDir}. */
    public static String render(List<String> command, Path stateDir) {
        String exec = command.stream().map(BootUnit::unitWord).collect(Collectors.joining(" "));
        return """
                # Written by jplay (BootUnit.java): restores the containers jplay started with a restart policy after a
                # reboot, and the pool routes and service rules it applied. Removed by jplay when nothing on this host needs it;
                # edits are overwritten.
                [Unit]
                Description=jplay: restore containers with a restart policy, pool routes and services after boot
                Wants=network-online.target
                After=local-fs.target network-online.target
                RequiresMountsFor=%s
                ConditionPathIsDirectory=%s

                [Service]
                Type=oneshot
                RemainAfterExit=yes
                KillMode=process
                TimeoutStartSec=15min
                Environment=LC_ALL=C.UTF-8
                ExecStart=%s

                [Install]
                WantedBy=multi-user.target
                """.formatted(unitWord(stateDir.toString()), unitWord(stateDir.toString()), exec);
    }

    /** Unit file and enablement as {@code content} says; true if anything changed. */
    public boolean install(String content) {
        boolean changed = false;
        try {
            String current = Files.exists(unitFile()) ? Files.readString(unitFile(), StandardCharsets.UTF_8) : null;
            if (!content.equals(current)) {
                Files.createDirectories(unitDir);
                // Synced: a unit written just before a reboot is what the boot reads.
                AtomicFiles.write(unitFile(), content.getBytes(StandardCharsets.UTF_8), AtomicFiles.Option.SYNC_FILE,
                        AtomicFiles.Option.SYNC_DIRECTORY);
                Files.setPosixFilePermissions(unitFile(), PosixFilePermissions.fromString("rw-r--r--")); // not the agent's umask 077
                systemctl("daemon-reload");
                changed = true;
            }
        } catch (IOException e) {
            throw new LaunchException(Step.START, "BOOT_UNIT_FAILED", "cannot write " + unitFile() + ": " + e.getMessage(), e);
        }
        if (!Files.isSymbolicLink(wantsLink())) {
            if (systemdRuns()) {
                systemctl("enable", name);
            } else {
                link(); // what enable does, for a unit directory without a running systemd
            }
            changed = true;
        }
        return changed;
    }

    /** Disables and deletes the unit; true if there was anything to remove. */
    public boolean uninstall() {
        if (!installed()) return false;
        if (Files.isSymbolicLink(wantsLink())) systemctl("disable", name);
        try {
            Files.deleteIfExists(wantsLink()); // systemctl normally did; a host whose systemd is gone did not
            Files.deleteIfExists(unitFile());
        } catch (IOException e) {
            throw new LaunchException(Step.STOP, "BOOT_UNIT_FAILED", "cannot delete " + unitFile() + ": " + e.getMessage(), e);
        }
        if (systemdRuns()) systemctl("daemon-reload");
        return true;
    }

    private void link() {
        try {
            Files.createDirectories(wantsLink().getParent());
            Files.createSymbolicLink(wantsLink(), unitFile());
        } catch (IOException e) {
            throw new LaunchException(Step.START, "BOOT_UNIT_FAILED", "cannot link " + wantsLink() + ": " + e.getMessage(), e);
        }
    }

    private void systemctl(String... args) {
        if (!systemdRuns()) return; // a unit directory without a running systemd (tests, image builds): files only
        List<String> command = new java.util.ArrayList<>(List.of("systemctl"));
        command.addAll(List.of(args));
        HostCommand.Result result;
        try {
            result = HostCommand.run(command, SYSTEMCTL_TIMEOUT);
        } catch (HostCommand.Failed e) {
            throw new LaunchException(Step.START, "BOOT_UNIT_FAILED", e.getMessage(), e).detail("unit", name);
        }
        if (!result.ok()) {
            throw new LaunchException(Step.START, "BOOT_UNIT_FAILED", result.failure().strip()).detail("unit", name);
        }
    }

    /** One word of a unit's command line: quoted when it needs it; {@code %} doubled (systemd's specifier escape). */
    static String unitWord(String word) {
        String escaped = word.replace("%", "%%");
        if (!escaped.isEmpty() && escaped.chars().noneMatch(c -> c == ' ' || c == '"' || c == '\'' || c == '\\' || c == ';' || c == '$')) {
            return escaped;
        }
        return '"' + escaped.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "$$") + '"';
    }
}

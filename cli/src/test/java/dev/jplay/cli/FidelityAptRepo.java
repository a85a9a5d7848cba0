package dev.jplay.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tiny apt repository for the fidelity suite, made here with dpkg-deb and dpkg-scanpackages (no internet): three
 * packages of our own — a tool, a daemon that ships a systemd unit, and a legacy package to remove — plus python3-apt
 * and what it needs beyond a minimal Debian, copied from the bare profile's repository (fleet.sh builds that cache
 * from this machine's apt mirror), because Ansible's apt module imports python3-apt.
 */
final class FidelityAptRepo {
    static final Path BARE_REPO = Path.of("/var/cache/jplay-fleet/apt-repo");
    static final List<String> FROM_BARE_REPO = List.of("python3-apt_", "python-apt-common_", "distro-info-data_");

    private FidelityAptRepo() {}

    /** Builds the repository in {@code dir} (the .debs and their Packages index) and returns it. */
    static Path build(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Path src = Files.createDirectories(dir.resolveSibling(dir.getFileName() + "-src"));
        deb(src, dir, "fidelity-tool", "1.0-1", """
                usr/bin/fidelity-tool 0755
                #!/bin/sh
                echo "fidelity tool 1.0"
                """);
        deb(src, dir, "fidelity-legacy", "0.9-1", """
                usr/share/fidelity-legacy/README 0644
                The old way of doing things.
                """);
        deb(src, dir, "fidelity-daemon", "2.1-1", """
                usr/sbin/fidelity-daemon 0755
                #!/bin/sh
                # Reads its settings, then idles: a stand-in for a real daemon.
                . /etc/default/fidelity-daemon 2>/dev/null || true
                exec sleep infinity
                ---
                lib/systemd/system/fidelity-daemon.service 0644
                [Unit]
                Description=Fidelity test daemon

                [Service]
                ExecStart=/usr/sbin/fidelity-daemon

                [Install]
                WantedBy=multi-user.target
                """);
        try (var debs = Files.list(BARE_REPO)) {
            for (Path p : (Iterable<Path>) debs::iterator) {
                String name = p.getFileName().toString();
                if (FROM_BARE_REPO.stream().anyMatch(name::startsWith)) {
                    Files.copy(p, dir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        if (FROM_BARE_REPO.stream().anyMatch(prefix -> !contains(dir, prefix))) {
            throw new IllegalStateException(BARE_REPO + " lacks one of " + FROM_BARE_REPO
                    + ": start a bare fleet once (test-fleet/fleet.sh up 1 --profile bare) to build it");
        }
        String index = run(dir, "dpkg-scanpackages", "--multiversion", ".");
        Files.writeString(dir.resolve("Packages"), index);
        return dir;
    }

    private static boolean contains(Path dir, String prefix) {
        try (var s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith(prefix));
        } catch (IOException e) {
            return false;
        }
    }

    /** One package: files given as "path mode" lines followed by their content, separated by "---" lines. */
    private static void deb(Path src, Path out, String name, String version, String files) throws IOException, InterruptedException {
        Path root = src.resolve(name);
        Files.createDirectories(root.resolve("DEBIAN"));
        Files.writeString(root.resolve("DEBIAN/control"), "Package: " + name + "\nVersion: " + version
                + "\nArchitecture: all\nMaintainer: jplay tests <tests@jplay.invalid>\nPriority: optional\nSection: misc\n"
                + "Description: " + name + " for the jplay fidelity suite\n");
        for (String file : files.split("(?m)^---\n")) {
            int nl = file.indexOf('\n');
            String[] head = file.substring(0, nl).split(" ");
            Path p = root.resolve(head[0]);
            Files.createDirectories(p.getParent());
            Files.writeString(p, file.substring(nl + 1), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(head[1].equals("0755") ? "rwxr-xr-x" : "rw-r--r--"));
        }
        run(src, "dpkg-deb", "--root-owner-group", "--build", root.toString(),
                out.resolve(name + "_" + version + "_all.deb").toString());
    }

    private static String run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
        return out;
    }
}

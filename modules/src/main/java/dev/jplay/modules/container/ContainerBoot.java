package dev.jplay.modules.container;

import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.AgentLaunch;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.launch.BootUnit;
import dev.jplay.runtime.launch.LaunchException;
import dev.jplay.runtime.network.HostNetworkRecords;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * After a container task: the host's boot unit ({@link BootUnit}) is installed while any container is to start at
 * boot (started by jplay with a restart policy) and removed with the last one; on a host without systemd a container
 * with a restart policy gets a warning instead, since nothing would start it after a reboot.
 *
 * <p>The unit runs {@link BootRestore} on the Java this agent runs on, from copies that live as long as the state
 * directory: the agent jar as {@code <state>/boot/agent.jar} (refreshed when another build of jplay runs; the unit's
 * text stays the same) and, when that Java is not root's own (a runtime jplay pushed into the login user's
 * {@code ~/.jplay/runtime}, which that user could change and which a newer push replaces), a copy of it under
 * {@code <state>/boot/runtime/}: root runs nothing at boot that another user can write.
 */
final class ContainerBoot {
    /** The restore's entry point in the agent jar. */
    static final String RESTORE_MAIN = "dev.jplay.agent.RestoreMain";
    /** {@code agentState} key of a {@link BootUnit} that replaces the host's (tests). */
    static final String UNIT_KEY = "boot-unit";

    /**
     * The result's warning on a host without systemd. The same words for every container, so a run shows it once per
     * host (TaskReporter keeps one of each text).
     */
    static final String NO_SYSTEMD = "restart_policy: this host does not run systemd (no /run/systemd/system): containers with a restart "
            + "policy will not come back after a reboot; jplay restores them at boot through a systemd unit only (README: Containers, reboots)";

    record Outcome(boolean changed, List<String> warnings) {}

    private ContainerBoot() {}

    /**
     * Installs or removes the unit as the host's containers now want it, after a task on container {@code name}.
     */
    static Outcome converge(ContainerHost host, ModuleContext ctx, String name) throws ModuleException {
        BootUnit unit = unit(ctx);
        try {
            if (host.startAtBoot(name)) {
                if (!unit.systemdRuns()) {
                    return new Outcome(false, List.of(NO_SYSTEMD));
                }
                return new Outcome(unit.install(BootUnit.render(command(ctx), ctx.stateDir().toAbsolutePath().normalize())), List.of());
            }
            boolean removed = unit.installed() && !host.anyStartAtBoot() && !networkRecorded(ctx) && unit.uninstall();
            return new Outcome(removed, List.of());
        } catch (LaunchException e) {
            throw Failures.launch(e).detail("container", name);
        }
    }

    /**
     * Installs or removes the unit after {@code pool_routes} or {@code fleet_service} changed the host's network records
     * ({@link HostNetworkRecords}): a host with routes or services to restore gets the unit even without a container
     * to start (its services forward to other hosts' instances, its routes reach them); with neither, it goes. On a
     * host without systemd nothing is done: the next apply puts the routes and rules back.
     */
    static boolean convergeNetwork(ModuleContext ctx) throws ModuleException {
        BootUnit unit = unit(ctx);
        try {
            if (networkRecorded(ctx)) {
                return unit.systemdRuns() && unit.install(BootUnit.render(command(ctx), ctx.stateDir().toAbsolutePath().normalize()));
            }
            return unit.installed() && !ContainerHost.of(ctx).anyStartAtBoot() && unit.uninstall();
        } catch (LaunchException e) {
            throw Failures.launch(e);
        }
    }

    private static boolean networkRecorded(ModuleContext ctx) throws ModuleException {
        try {
            return new HostNetworkRecords(ctx.stateDir()).any();
        } catch (IOException e) {
            throw new ModuleException(Step.START, "BOOT_UNIT_FAILED", "cannot read the network records in "
                    + ctx.stateDir().resolve("network") + ": " + e.getMessage(), e);
        }
    }

    private static BootUnit unit(ModuleContext ctx) {
        Object preset = ctx.agentState().get(UNIT_KEY);
        return preset instanceof BootUnit u ? u : BootUnit.host(ctx.stateDir());
    }

    /** The restore's command line, its files copied into place once per agent process. */
    private static List<String> command(ModuleContext ctx) throws ModuleException {
        Path stateDir = ctx.stateDir().toAbsolutePath().normalize();
        try {
            @SuppressWarnings("unchecked")
            List<String> cached = (List<String>) ctx.agentState().computeIfAbsent("boot-command:" + stateDir, key -> {
                try {
                    return command(stateDir, Path.of(System.getProperty("java.home")), agentJar());
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            return cached;
        } catch (java.io.UncheckedIOException e) {
            throw new ModuleException(Step.START, "BOOT_UNIT_FAILED", "cannot prepare the boot restore in " + stateDir.resolve("boot")
                    + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The restore's command line for the agent jar {@code jar} on the Java at {@code javaHome}. */
    static List<String> command(Path stateDir, Path javaHome, Path jar) throws IOException {
        Path boot = stateDir.resolve("boot");
        Files.createDirectories(boot);
        Path bootJar = copyJar(jar, boot);
        Path java = bootJava(javaHome.toRealPath(), boot).resolve("bin").resolve("java");
        List<String> command = new ArrayList<>();
        command.add(java.toString());
        command.addAll(AgentLaunch.JVM_FLAGS);
        command.addAll(List.of("-cp", bootJar.toString(), RESTORE_MAIN, "--state-dir", stateDir.toString()));
        return command;
    }

    /** The jar this class was loaded from. */
    private static Path agentJar() throws IOException {
        try {
            Path jar = Path.of(ContainerBoot.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(jar)) throw new IOException("the agent does not run from a jar (" + jar + ")");
            return jar;
        } catch (URISyntaxException | SecurityException e) {
            throw new IOException("cannot locate the agent jar: " + e.getMessage(), e);
        }
    }

    /**
     * {@code boot/agent.jar}, copied from {@code jar} unless that build is there already ({@code agent.jar.source}
     * names it; agent jars are named by their SHA-256).
     */
    static Path copyJar(Path jar, Path boot) throws IOException {
        Path target = boot.resolve("agent.jar");
        Path source = boot.resolve("agent.jar.source");
        String name = jar.getFileName().toString();
        if (Files.isRegularFile(target) && Files.exists(source) && Files.readString(source).strip().equals(name)) return target;
        Path temp = boot.resolve("agent.jar.tmp");
        Files.copy(jar, temp, StandardCopyOption.REPLACE_EXISTING);
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        dev.jplay.io.AtomicFiles.write(source, (name + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return target;
    }

    /** {@code javaHome} itself when root alone can change it, else its copy under {@code boot/runtime/} (made once). */
    static Path bootJava(Path javaHome, Path boot) throws IOException {
        if (rootOnly(javaHome.resolve("bin").resolve("java").toRealPath())) return javaHome;
        // A pushed runtime's directory is named by its archive's SHA-256: the name says which build it is.
        Path target = boot.resolve("runtime").resolve(javaHome.getFileName().toString());
        if (Files.exists(target.resolve(".complete"))) return target;
        Path temp = boot.resolve("runtime").resolve(javaHome.getFileName() + ".tmp");
        deleteTree(temp);
        deleteTree(target);
        copyTree(javaHome, temp);
        Files.createFile(temp.resolve(".complete"));
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }

    /** The file and every directory above it owned by root and writable by no one else. */
    static boolean rootOnly(Path file) throws IOException {
        for (Path p = file; p != null; p = p.getParent()) {
            int uid = (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            if (uid != 0 || (mode & 0022) != 0) return false;
        }
        return true;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                // Modes, not owners: the copy is root's (the agent's), whoever owned the original.
                Path copy = to.resolve(from.relativize(file).toString());
                Files.copy(file, copy, LinkOption.NOFOLLOW_LINKS);
                if (!attrs.isSymbolicLink()) Files.setPosixFilePermissions(copy, Files.getPosixFilePermissions(file));
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) return;
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}

package dev.jplay.runtime.fs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where this host keeps the programs the container runtime runs: found on the host, not assumed. Executables are
 * looked up on {@code PATH} and then in the system directories a non-login or sudo {@code PATH} may lack (Debian
 * puts runc in /usr/bin since bookworm, /usr/sbin before; upstream installs go to /usr/local). CNI plugins are in
 * the distribution's directory ({@code /usr/lib/cni} on Debian/Ubuntu, {@code /usr/libexec/cni} on
 * Fedora/RHEL/Alpine) or upstream's {@code /opt/cni/bin}, or where {@code CNI_PATH} says.
 */
public final class HostTools {
    static final List<String> SYSTEM_DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");
    /** Where distributions and upstream put the CNI reference plugins, most specific first. */
    public static final List<Path> CNI_DIRS = List.of(Path.of("/opt/cni/bin"), Path.of("/usr/lib/cni"), Path.of("/usr/libexec/cni"));

    private final Map<String, String> env;

    public HostTools(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    /** This process's host. */
    public static HostTools current() {
        return new HostTools(System.getenv());
    }

    /** The executable {@code name} on PATH or in the system directories, if any. */
    public Optional<Path> find(String name) {
        for (String dir : searchPath()) {
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    /** The directories {@link #find} searches, in order. */
    public List<String> searchPath() {
        Set<String> dirs = new LinkedHashSet<>();
        String path = env.get("PATH");
        if (path != null) {
            for (String d : path.split(":")) if (d.startsWith("/")) dirs.add(d);
        }
        dirs.addAll(SYSTEM_DIRS);
        return List.copyOf(dirs);
    }

    /** CNI_PATH's directories if set, then the distributions' plugin directories. */
    public List<Path> cniDirs() {
        List<Path> dirs = new ArrayList<>();
        String cniPath = env.get("CNI_PATH");
        if (cniPath != null) {
            for (String d : cniPath.split(":")) if (d.startsWith("/")) dirs.add(Path.of(d));
        }
        for (Path d : CNI_DIRS) if (!dirs.contains(d)) dirs.add(d);
        return dirs;
    }

    /** True when one of the {@link #cniDirs} holds the executable plugin. */
    public boolean hasCniPlugin(String plugin) {
        for (Path d : cniDirs()) {
            Path p = d.resolve(plugin);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return true;
        }
        return false;
    }
}

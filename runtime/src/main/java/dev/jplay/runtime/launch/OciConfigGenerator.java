package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an OCI runtime-spec {@code config.json} with Docker's safe defaults: Docker's 14 default capabilities,
 * no_new_privs, masked and read-only /proc and /sys paths, fresh namespaces (the network one unless
 * {@code network_mode: host}), a private /dev, read-only /sys and cgroup mounts, and limits from {@code memory}
 * and {@code cpus}.
 *
 * <p>Only the task's explicit {@code mounts} reach host paths; nothing in the image config can add a host mount.
 * Not applied (yet): a seccomp profile and AppArmor/SELinux labels.
 */
public final class OciConfigGenerator {

    /** Docker's default capability set (moby/oci/caps/defaults.go). */
    static final List<String> DEFAULT_CAPABILITIES = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
            "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
            "CAP_KILL", "CAP_AUDIT_WRITE");

    static final List<String> MASKED_PATHS = List.of(
            "/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
            "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap");

    static final List<String> READONLY_PATHS = List.of(
            "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger");

    /** Docker's (containerd's) default RLIMIT_NOFILE. */
    static final long DOCKER_NOFILE_LIMIT = 1_048_576;
    static final long CPU_PERIOD_US = 100_000;

    private final long nofileLimit;

    /** Docker's NOFILE limit, lowered to this process's hard limit (runc cannot raise it without CAP_SYS_RESOURCE). */
    public OciConfigGenerator() { this(Math.min(DOCKER_NOFILE_LIMIT, openFilesHardLimit())); }

    public OciConfigGenerator(long nofileLimit) { this.nofileLimit = nofileLimit; }

    /** cgroup path for a container: one flat, named group per container so limits are easy to find. */
    public static String cgroupsPath(String containerName) { return "/jplay-" + containerName; }

    /** The config as JSON values, keys in the order runc's config.json has always been written in. */
    public Map<String, Object> generate(ContainerSpec spec, ImageConfig image, Path rootfs) {
        if (!rootfs.isAbsolute()) {
            throw new LaunchException(Step.ARGS, "BAD_ROOTFS", "rootfs must be an absolute path: " + rootfs);
        }
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("ociVersion", "1.0.2");
        config.put("process", process(spec, image, rootfs));
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("path", rootfs.toString());
        root.put("readonly", spec.readOnly());
        config.put("root", root);
        config.put("hostname", ProcessArgs.hostname(spec));
        config.put("mounts", mounts(spec));
        config.put("linux", linux(spec));
        return config;
    }

    private Map<String, Object> process(ContainerSpec spec, ImageConfig image, Path rootfs) {
        Map<String, Object> process = new LinkedHashMap<>();
        process.put("terminal", false);
        RootfsUsers.ResolvedUser user = RootfsUsers.read(rootfs).resolve(ProcessArgs.user(spec, image));
        Map<String, Object> userNode = new LinkedHashMap<>();
        userNode.put("uid", user.uid());
        userNode.put("gid", user.gid());
        if (!user.additionalGids().isEmpty()) userNode.put("additionalGids", List.copyOf(user.additionalGids()));
        process.put("user", userNode);
        process.put("args", ProcessArgs.argv(spec, image));
        process.put("env", ProcessArgs.env(spec, image));
        process.put("cwd", ProcessArgs.workingDir(spec, image));
        Map<String, Object> caps = new LinkedHashMap<>();
        for (String set : List.of("bounding", "effective", "permitted")) caps.put(set, DEFAULT_CAPABILITIES);
        process.put("capabilities", caps);
        Map<String, Object> nofile = new LinkedHashMap<>();
        nofile.put("type", "RLIMIT_NOFILE");
        nofile.put("hard", nofileLimit);
        nofile.put("soft", nofileLimit);
        process.put("rlimits", List.of(nofile));
        process.put("noNewPrivileges", true);
        return process;
    }

    private List<Map<String, Object>> mounts(ContainerSpec spec) {
        List<Map<String, Object>> mounts = new ArrayList<>();
        mount(mounts, "/proc", "proc", "proc", "nosuid", "noexec", "nodev");
        mount(mounts, "/dev", "tmpfs", "tmpfs", "nosuid", "strictatime", "mode=755", "size=65536k");
        mount(mounts, "/dev/pts", "devpts", "devpts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5");
        mount(mounts, "/dev/shm", "tmpfs", "shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k");
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", "nosuid", "noexec", "nodev");
        mount(mounts, "/sys", "sysfs", "sysfs", "nosuid", "noexec", "nodev", "ro");
        mount(mounts, "/sys/fs/cgroup", "cgroup", "cgroup", "nosuid", "noexec", "nodev", "relatime", "ro");
        for (BindMount bind : spec.mounts()) {
            mount(mounts, bind.target(), "bind", bind.source(), "rbind", "rprivate", bind.readOnly() ? "ro" : "rw");
        }
        return mounts;
    }

    private Map<String, Object> linux(ContainerSpec spec) {
        Map<String, Object> linux = new LinkedHashMap<>();
        List<Map<String, Object>> namespaces = new ArrayList<>();
        for (String type : List.of("pid", "ipc", "uts", "mount")) namespaces.add(namespace(type, null));
        NetworkMode network = spec.networkMode();
        if (network.kind() == NetworkMode.Kind.NONE) {
            namespaces.add(namespace("network", null));
        } else if (network.kind() == NetworkMode.Kind.PATH) {
            namespaces.add(namespace("network", network.namespacePath()));
        }
        linux.put("namespaces", namespaces);
        linux.put("cgroupsPath", cgroupsPath(spec.name()));
        Map<String, Object> resources = new LinkedHashMap<>();
        // Deny all device access; runc appends its default allow-list (null, zero, full, random, urandom, tty, ptmx).
        Map<String, Object> denyAll = new LinkedHashMap<>();
        denyAll.put("allow", false);
        denyAll.put("access", "rwm");
        resources.put("devices", List.of(denyAll));
        if (spec.memory() != null) {
            resources.put("memory", Map.of("limit", MemorySize.parseBytes(spec.memory())));
        }
        if (spec.cpus() != null) {
            Map<String, Object> cpu = new LinkedHashMap<>();
            cpu.put("quota", Math.round(spec.cpus() * CPU_PERIOD_US));
            cpu.put("period", CPU_PERIOD_US);
            resources.put("cpu", cpu);
        }
        linux.put("resources", resources);
        linux.put("maskedPaths", MASKED_PATHS);
        linux.put("readonlyPaths", READONLY_PATHS);
        return linux;
    }

    private static Map<String, Object> namespace(String type, String path) {
        Map<String, Object> ns = new LinkedHashMap<>();
        ns.put("type", type);
        if (path != null) ns.put("path", path);
        return ns;
    }

    private static void mount(List<Map<String, Object>> mounts, String destination, String type, String source,
                              String... options) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("destination", destination);
        m.put("type", type);
        m.put("source", source);
        m.put("options", List.of(options));
        mounts.add(m);
    }

    /** The hard "Max open files" of this process from /proc/self/limits; Docker's default if unreadable. */
    static long openFilesHardLimit() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String[] fields = line.substring("Max open files".length()).trim().split("\\s+");
                    return fields[1].equals("unlimited") ? DOCKER_NOFILE_LIMIT : Long.parseLong(fields[1]);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // not Linux procfs: fall through
        }
        return DOCKER_NOFILE_LIMIT;
    }
}

package dev.jplay.runtime.launch;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;

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

    private final ObjectMapper mapper = new ObjectMapper();
    private final long nofileLimit;

    /** Docker's NOFILE limit, lowered to this process's hard limit (runc cannot raise it without CAP_SYS_RESOURCE). */
    public OciConfigGenerator() { this(Math.min(DOCKER_NOFILE_LIMIT, openFilesHardLimit())); }

    public OciConfigGenerator(long nofileLimit) { this.nofileLimit = nofileLimit; }

    /** cgroup path for a container: one flat, named group per container so limits are easy to find. */
    public static String cgroupsPath(String containerName) { return "/jplay-" + containerName; }

    public ObjectNode generate(ContainerSpec spec, ImageConfig image, Path rootfs) {
        if (!rootfs.isAbsolute()) {
            throw new LaunchException(LaunchException.Step.SPEC, "BAD_ROOTFS", "rootfs must be an absolute path: " + rootfs);
        }
        ObjectNode config = mapper.createObjectNode();
        config.put("ociVersion", "1.0.2");
        config.set("process", process(spec, image, rootfs));
        ObjectNode root = config.putObject("root");
        root.put("path", rootfs.toString());
        root.put("readonly", spec.readOnly());
        config.put("hostname", ProcessArgs.hostname(spec));
        config.set("mounts", mounts(spec));
        config.set("linux", linux(spec));
        return config;
    }

    private ObjectNode process(ContainerSpec spec, ImageConfig image, Path rootfs) {
        ObjectNode process = mapper.createObjectNode();
        process.put("terminal", false);
        RootfsUsers.ResolvedUser user = RootfsUsers.read(rootfs).resolve(ProcessArgs.user(spec, image));
        ObjectNode userNode = process.putObject("user");
        userNode.put("uid", user.uid());
        userNode.put("gid", user.gid());
        if (!user.additionalGids().isEmpty()) {
            ArrayNode gids = userNode.putArray("additionalGids");
            user.additionalGids().forEach(gids::add);
        }
        strings(process.putArray("args"), ProcessArgs.argv(spec, image));
        strings(process.putArray("env"), ProcessArgs.env(spec, image));
        process.put("cwd", ProcessArgs.workingDir(spec, image));
        ObjectNode caps = process.putObject("capabilities");
        for (String set : List.of("bounding", "effective", "permitted")) strings(caps.putArray(set), DEFAULT_CAPABILITIES);
        ObjectNode nofile = process.putArray("rlimits").addObject();
        nofile.put("type", "RLIMIT_NOFILE");
        nofile.put("hard", nofileLimit);
        nofile.put("soft", nofileLimit);
        process.put("noNewPrivileges", true);
        return process;
    }

    private ArrayNode mounts(ContainerSpec spec) {
        ArrayNode mounts = mapper.createArrayNode();
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

    private ObjectNode linux(ContainerSpec spec) {
        ObjectNode linux = mapper.createObjectNode();
        ArrayNode namespaces = linux.putArray("namespaces");
        for (String type : List.of("pid", "ipc", "uts", "mount")) namespaces.addObject().put("type", type);
        NetworkMode network = spec.networkMode();
        if (network.kind() == NetworkMode.Kind.NONE) {
            namespaces.addObject().put("type", "network");
        } else if (network.kind() == NetworkMode.Kind.PATH) {
            namespaces.addObject().put("type", "network").put("path", network.namespacePath());
        }
        linux.put("cgroupsPath", cgroupsPath(spec.name()));
        ObjectNode resources = linux.putObject("resources");
        // Deny all device access; runc appends its default allow-list (null, zero, full, random, urandom, tty, ptmx).
        resources.putArray("devices").addObject().put("allow", false).put("access", "rwm");
        if (spec.memory() != null) {
            resources.putObject("memory").put("limit", MemorySize.parseBytes(spec.memory()));
        }
        if (spec.cpus() != null) {
            ObjectNode cpu = resources.putObject("cpu");
            cpu.put("quota", Math.round(spec.cpus() * CPU_PERIOD_US));
            cpu.put("period", CPU_PERIOD_US);
        }
        strings(linux.putArray("maskedPaths"), MASKED_PATHS);
        strings(linux.putArray("readonlyPaths"), READONLY_PATHS);
        return linux;
    }

    private void mount(ArrayNode mounts, String destination, String type, String source, String... options) {
        ObjectNode m = mounts.addObject();
        m.put("destination", destination);
        m.put("type", type);
        m.put("source", source);
        strings(m.putArray("options"), List.of(options));
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

    private static void strings(ArrayNode array, List<String> values) {
        values.forEach(array::add);
    }
}

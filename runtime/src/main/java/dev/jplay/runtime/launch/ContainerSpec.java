package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The desired container, in Ansible {@code docker_container} naming. Null list/string fields mean "not given" (the
 * image decides); that differs from an empty list, e.g. {@code entrypoint: []} clears the image's Entrypoint.
 *
 * @param memory Docker size syntax ("256m", "1g", "1048576"); null = unlimited
 * @param cpus CPU share in cores (1.5 = 150 ms per 100 ms period); null = unlimited
 * @param restartRetries for on-failure: the most restarts after the first run; 0 = unlimited (as Docker)
 * @param stopTimeout seconds between SIGTERM and SIGKILL on stop
 * @param log how output is kept; null only in a spec recorded before jplay capped logs (so that it differs)
 */
public record ContainerSpec(
        String name,
        List<String> command,
        List<String> entrypoint,
        Map<String, String> env,
        List<BindMount> mounts,
        String hostname,
        String memory,
        Double cpus,
        boolean readOnly,
        String user,
        String workingDir,
        RestartPolicy restartPolicy,
        int restartRetries,
        NetworkMode networkMode,
        int stopTimeout,
        LogConfig log) {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}");

    public static final int DEFAULT_STOP_TIMEOUT = 10;

    public ContainerSpec {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new LaunchException(Step.ARGS, "BAD_NAME",
                    "container name must match " + NAME.pattern() + ", got '" + name + "'");
        }
        command = command == null ? null : List.copyOf(command);
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        env = env == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(env));
        mounts = mounts == null ? List.of() : List.copyOf(mounts);
        restartPolicy = restartPolicy == null ? RestartPolicy.NO : restartPolicy;
        networkMode = networkMode == null ? NetworkMode.NONE : networkMode;
        if (memory != null) MemorySize.parseBytes(memory);
        if (cpus != null && !(cpus > 0)) {
            throw new LaunchException(Step.ARGS, "BAD_CPUS", "cpus must be positive, got " + cpus);
        }
        if (restartRetries < 0 || stopTimeout < 0) {
            throw new LaunchException(Step.ARGS, "BAD_SPEC", "restart_retries and stop_timeout must be >= 0");
        }
        if (workingDir != null && !workingDir.isEmpty() && !workingDir.startsWith("/")) {
            throw new LaunchException(Step.ARGS, "BAD_WORKING_DIR",
                    "working_dir must be absolute, got '" + workingDir + "'");
        }
    }

    public static Builder builder(String name) { return new Builder(name); }

    public Builder toBuilder() {
        Builder b = new Builder(name);
        b.command = command;
        b.entrypoint = entrypoint;
        b.env.putAll(env);
        b.mounts.addAll(mounts);
        b.hostname = hostname;
        b.memory = memory;
        b.cpus = cpus;
        b.readOnly = readOnly;
        b.user = user;
        b.workingDir = workingDir;
        b.restartPolicy = restartPolicy;
        b.restartRetries = restartRetries;
        b.networkMode = networkMode;
        b.stopTimeout = stopTimeout;
        b.log = log;
        return b;
    }

    public static final class Builder {
        private final String name;
        private List<String> command;
        private List<String> entrypoint;
        private final Map<String, String> env = new LinkedHashMap<>();
        private final List<BindMount> mounts = new ArrayList<>();
        private String hostname;
        private String memory;
        private Double cpus;
        private boolean readOnly;
        private String user;
        private String workingDir;
        private RestartPolicy restartPolicy = RestartPolicy.NO;
        private int restartRetries;
        private NetworkMode networkMode = NetworkMode.NONE;
        private int stopTimeout = DEFAULT_STOP_TIMEOUT;
        private LogConfig log = LogConfig.DEFAULT;

        private Builder(String name) { this.name = name; }

        public Builder command(String... args) { this.command = List.of(args); return this; }
        public Builder command(List<String> args) { this.command = args; return this; }
        public Builder entrypoint(String... args) { this.entrypoint = List.of(args); return this; }
        public Builder entrypoint(List<String> args) { this.entrypoint = args; return this; }
        public Builder env(String key, String value) { env.put(key, value); return this; }
        public Builder env(Map<String, String> values) { env.putAll(values); return this; }
        public Builder mount(String source, String target, boolean readOnly) {
            mounts.add(new BindMount(source, target, readOnly));
            return this;
        }
        public Builder hostname(String hostname) { this.hostname = hostname; return this; }
        public Builder memory(String memory) { this.memory = memory; return this; }
        public Builder cpus(Double cpus) { this.cpus = cpus; return this; }
        public Builder readOnly(boolean readOnly) { this.readOnly = readOnly; return this; }
        public Builder user(String user) { this.user = user; return this; }
        public Builder workingDir(String workingDir) { this.workingDir = workingDir; return this; }
        public Builder restartPolicy(RestartPolicy policy) { this.restartPolicy = policy; return this; }
        public Builder restartRetries(int retries) { this.restartRetries = retries; return this; }
        public Builder networkMode(NetworkMode mode) { this.networkMode = mode; return this; }
        public Builder stopTimeout(int seconds) { this.stopTimeout = seconds; return this; }
        public Builder log(LogConfig log) { this.log = log; return this; }

        public ContainerSpec build() {
            return new ContainerSpec(name, command, entrypoint, env, mounts, hostname, memory, cpus, readOnly, user,
                    workingDir, restartPolicy, restartRetries, networkMode, stopTimeout, log);
        }
    }
}

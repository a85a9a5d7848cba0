package dev.jplay.modules.container;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.command.CommandLine;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.launch.ContainerSpec;
import dev.jplay.runtime.launch.LaunchException;
import dev.jplay.runtime.launch.LogConfig;
import dev.jplay.runtime.launch.NetworkMode;
import dev.jplay.runtime.launch.RestartPolicy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Ansible {@code docker_container} arguments → {@link ContainerSpec}. */
final class ContainerArgs {
    static final List<String> SPEC_ARGS = List.of("name", "command", "entrypoint", "env", "mounts", "volumes", "hostname",
            "memory", "cpus", "read_only", "user", "working_dir", "restart_policy", "restart_retries", "network_mode",
            "stop_timeout", "log_driver", "log_options");

    private ContainerArgs() {}

    static ContainerSpec spec(ModuleArgs args) throws ModuleException {
        try {
            ContainerSpec.Builder b = ContainerSpec.builder(args.string("name"));
            if (args.has("command")) b.command(argv(args, "command"));
            if (args.has("entrypoint")) b.entrypoint(argv(args, "entrypoint"));
            b.env(env(args.map("env")));
            for (Map<String, Object> mount : mounts(args)) {
                b.mount(text(mount, "source"), text(mount, "target"), Boolean.TRUE.equals(mount.get("read_only")));
            }
            for (String volume : args.strings("volumes")) addVolume(b, volume);
            b.hostname(args.string("hostname", null));
            b.memory(args.string("memory", null));
            if (args.has("cpus")) b.cpus(cpus(args.string("cpus")));
            b.readOnly(args.bool("read_only", false));
            b.user(args.string("user", null));
            b.workingDir(args.string("working_dir", null));
            b.restartPolicy(RestartPolicy.parse(args.string("restart_policy", "no")));
            b.restartRetries((int) args.number("restart_retries", 0));
            b.networkMode(NetworkMode.parse(args.string("network_mode", "none")));
            b.stopTimeout((int) args.number("stop_timeout", ContainerSpec.DEFAULT_STOP_TIMEOUT));
            b.log(LogConfig.parse(args.string("log_driver", null), args.map("log_options")));
            return b.build();
        } catch (LaunchException e) {
            throw new ModuleException(Step.ARGS, e.code(), "container: " + e.getMessage());
        }
    }

    /** A list is taken as is; a string is split like a shell would, without any expansion (as Ansible does). */
    private static List<String> argv(ModuleArgs args, String name) throws ModuleException {
        if (args.raw().get(name) instanceof List) return args.strings(name);
        try {
            return CommandLine.split(args.string(name));
        } catch (IllegalArgumentException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "container: cannot split " + name + ": " + e.getMessage());
        }
    }

    private static Map<String, String> env(Map<String, Object> raw) {
        Map<String, String> env = new LinkedHashMap<>();
        raw.forEach((k, v) -> env.put(k, v == null ? "" : String.valueOf(v)));
        return env;
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> mounts(ModuleArgs args) throws ModuleException {
        Object raw = args.raw().get("mounts");
        if (raw == null) return List.of();
        if (!(raw instanceof List<?> list)) throw new ModuleException(Step.ARGS, "ARG_TYPE", "container: mounts must be a list");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> m)) throw new ModuleException(Step.ARGS, "ARG_TYPE", "container: each mount must be a mapping");
            Object type = m.get("type");
            if (type != null && !"bind".equals(type)) {
                throw new ModuleException(Step.ARGS, "ARG_VALUE", "container: only mounts of type bind are supported, got '" + type + "'");
            }
            out.add((Map<String, Object>) m);
        }
        return out;
    }

    /** {@code /host:/container[:ro|rw]}. */
    private static void addVolume(ContainerSpec.Builder b, String volume) throws ModuleException {
        String[] parts = volume.split(":");
        if (parts.length < 2 || parts.length > 3 || (parts.length == 3 && !parts[2].matches("ro|rw"))) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "container: volume must look like /host:/container[:ro|rw], got '" + volume + "'");
        }
        b.mount(parts[0], parts[1], parts.length == 3 && parts[2].equals("ro"));
    }

    private static String text(Map<String, Object> map, String key) {
        Object v = map.get(key);
        return v == null ? null : String.valueOf(v);
    }

    private static double cpus(String text) throws ModuleException {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new ModuleException(Step.ARGS, "ARG_TYPE", "container: cpus must be a number, got '" + text + "'");
        }
    }
}

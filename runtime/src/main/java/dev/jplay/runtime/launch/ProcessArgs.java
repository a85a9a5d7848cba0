package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Docker's rules for turning image config + task args into argv, environment and working directory. */
final class ProcessArgs {
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private ProcessArgs() {}

    /**
     * Entrypoint + Cmd, where the task's {@code command} replaces Cmd and the task's {@code entrypoint} replaces
     * Entrypoint and also drops the image's Cmd (only the task's own command, if any, follows it).
     */
    static List<String> argv(ContainerSpec spec, ImageConfig image) {
        List<String> entrypoint = spec.entrypoint() != null ? spec.entrypoint() : orEmpty(image.entrypoint());
        List<String> cmd;
        if (spec.command() != null) {
            cmd = spec.command();
        } else if (spec.entrypoint() != null) {
            cmd = List.of();
        } else {
            cmd = orEmpty(image.cmd());
        }
        List<String> argv = new ArrayList<>(entrypoint);
        argv.addAll(cmd);
        if (argv.isEmpty()) {
            throw new LaunchException(Step.ARGS, "NO_COMMAND",
                    "container '" + spec.name() + "' has no command: the image sets neither Entrypoint nor Cmd and the task gives none");
        }
        return List.copyOf(argv);
    }

    /** Image Env, then task env on top (same key wins), with PATH defaulted when neither sets it. */
    static List<String> env(ContainerSpec spec, ImageConfig image) {
        Map<String, String> merged = new LinkedHashMap<>();
        for (String entry : image.env()) {
            int eq = entry.indexOf('=');
            if (eq > 0) merged.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
        merged.putAll(spec.env());
        merged.putIfAbsent("PATH", DEFAULT_PATH);
        merged.putIfAbsent("HOSTNAME", hostname(spec));
        List<String> env = new ArrayList<>();
        merged.forEach((k, v) -> env.add(k + "=" + v));
        return List.copyOf(env);
    }

    static String workingDir(ContainerSpec spec, ImageConfig image) {
        if (spec.workingDir() != null && !spec.workingDir().isEmpty()) return spec.workingDir();
        String fromImage = image.workingDir();
        return fromImage == null || fromImage.isEmpty() ? "/" : fromImage;
    }

    static String user(ContainerSpec spec, ImageConfig image) {
        if (spec.user() != null && !spec.user().isEmpty()) return spec.user();
        return image.user();
    }

    static String hostname(ContainerSpec spec) {
        return spec.hostname() == null || spec.hostname().isEmpty() ? spec.name() : spec.hostname();
    }

    private static List<String> orEmpty(List<String> list) {
        return list == null ? List.of() : list;
    }
}

package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;

/** One entry of Ansible {@code mounts} with {@code type: bind}: a host path made visible inside the container. */
public record BindMount(String source, String target, boolean readOnly) {

    public BindMount {
        requireAbsolute("source", source);
        requireAbsolute("target", target);
        if (target.equals("/")) {
            throw new LaunchException(Step.ARGS, "BAD_MOUNT", "a bind mount cannot replace the container root");
        }
    }

    private static void requireAbsolute(String field, String path) {
        if (path == null || !path.startsWith("/")) {
            throw new LaunchException(Step.ARGS, "BAD_MOUNT",
                    "bind mount " + field + " must be an absolute path, got '" + path + "'");
        }
    }
}

package dev.jplay.runtime.launch;

import java.util.List;

/**
 * The parts of an OCI image config ({@code config} object of the image configuration JSON) that decide how the
 * process starts. Deliberately minimal so the pull side's richer model maps onto it field by field.
 *
 * <p>{@code Volumes} and {@code ExposedPorts} are not carried on purpose: image metadata never chooses host mounts.
 * Paths an image declares as volumes simply stay part of the (overlay) rootfs, so writes there persist across
 * restarts and vanish on recreate, like Docker's anonymous volumes with {@code --rm}.
 *
 * @param entrypoint {@code Entrypoint}, or null when the image has none
 * @param cmd {@code Cmd}, or null
 * @param env {@code Env} as {@code KEY=value} strings (never null)
 * @param workingDir {@code WorkingDir}, or null/empty for "/"
 * @param user {@code User} ("", "name", "uid", "name:group", "uid:gid"), or null
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, List<String> env, String workingDir, String user) {

    public static final ImageConfig EMPTY = new ImageConfig(null, null, List.of(), null, null);

    public ImageConfig {
        entrypoint = entrypoint == null ? null : List.copyOf(entrypoint);
        cmd = cmd == null ? null : List.copyOf(cmd);
        env = env == null ? List.of() : List.copyOf(env);
    }
}

/**
 * Launching containers with runc: jplay's equivalent of containerd's runtime shim.
 *
 * <ul>
 *   <li>{@link dev.jplay.runtime.launch.ContainerSpec} (Ansible {@code docker_container} names) +
 *       {@link dev.jplay.runtime.launch.ImageConfig} → {@link dev.jplay.runtime.launch.OciConfigGenerator} →
 *       {@code config.json} with Docker's defaults (14 capabilities, no_new_privs, masked/read-only paths,
 *       namespaces, {@code /jplay-<name>} cgroup). Image metadata never adds host mounts; image {@code Volumes} are
 *       ignored (they stay part of the rootfs). No seccomp profile yet.</li>
 *   <li>{@link dev.jplay.runtime.launch.RuncRuntime}: the runc CLI with a private {@code --root}.</li>
 *   <li>{@link dev.jplay.runtime.launch.ContainerLifecycle}: idempotent ensure-methods. {@code present} = bundle
 *       written ({@code ContainerBundles}), no runc container; {@code started} = a {@code setsid} sh supervisor
 *       ({@code ContainerSupervisor}) runs {@code runc run} in the foreground (exit codes, restart policy, logs) and
 *       outlives the agent; {@code stopped} = the {@code stop_requested} file, then SIGTERM, grace, SIGKILL.</li>
 *   <li>{@link dev.jplay.runtime.launch.ContainerRevisions}: what each container was created from, and the revision
 *       before its last recreate (for rollback).</li>
 *   <li>{@link dev.jplay.runtime.launch.CveAdvisor}: warnings (never refusals) for runc releases with known escapes.</li>
 * </ul>
 */
package dev.jplay.runtime.launch;

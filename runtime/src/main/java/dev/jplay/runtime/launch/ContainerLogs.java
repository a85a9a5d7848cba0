package dev.jplay.runtime.launch;

/** The tails of a container's stdout and stderr logs (all runs, appended). */
public record ContainerLogs(String stdout, String stderr) {}

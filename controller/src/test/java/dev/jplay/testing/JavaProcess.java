package dev.jplay.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a JVM on the test classpath: the real processes that crash tests kill. */
public final class JavaProcess {
    private JavaProcess() {}

    public static Process start(Path workDir, String mainClass, String... args) throws IOException {
        return builder(workDir, mainClass, args).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("process-" + System.nanoTime() + ".log").toFile()).start();
    }

    public static ProcessBuilder builder(Path workDir, String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).directory(workDir.toFile());
    }

    /** Kills {@code p} and everything it started (agents, their commands), children first. */
    public static void killTree(ProcessHandle p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }
}

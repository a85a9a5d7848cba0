package dev.jplay.protocol;

import java.util.ArrayList;
import java.util.List;

/**
 * How to start the agent jar on a host so that its hello line comes fast and its footprint stays small. The
 * SSH layer runs {@link #shellCommand} (or builds its own from {@link #javaArgs}).
 *
 * <p>Measured on the 2-core Debian 12 build machine (loaded by other builds, so ±15 ms), median of 7 launches
 * through a pipe; "hello" is {@code exec} → hello line read, "first" adds one {@code ping} round trip, RSS
 * after it:
 * <pre>
 *                                                        hello   first   RSS
 * JDK 17, no flags                                        67-100   76-112  45 MB
 * JDK 17, {@link #JVM_FLAGS}                              67       76      40 MB
 *   of which -XX:TieredStopAtLevel=1 alone                76       88      42 MB  (the others: RSS, not time;
 *                                                        since dropped: C1 hashes 10x slower, see JVM_FLAGS)
 * JDK 17, JVM_FLAGS + AppCDS archive of the agent         45       48      37 MB
 * JDK 25, JVM_FLAGS                                       57       72      45 MB
 * JDK 25, JVM_FLAGS + -XX:+AutoCreateSharedArchive        35       45      42 MB
 * first run with -XX:ArchiveClassesAtExit (17), total     140 ms including the archive dump at exit
 * </pre>
 * Under load (load average 7, other builds running) the same three JDK 17 rows read 110-127, 109-114 and
 * 63-91 ms to hello: the ranking holds, the absolute numbers do not.
 * The same experiment with a minimal main (JDK 17, JVM_FLAGS) showed what jackson-databind costs: an
 * {@code ObjectMapper} round trip took 152/172 ms and 58 MB (74/82 ms with CDS) against 59/63 ms and 39 MB
 * (38/40 ms with CDS) for jackson-core's streaming API, so the agent speaks JSON with jackson-core only
 * ({@code dev.jplay.protocol.Json}; since the container runtime uses it too, databind is not even in the jar:
 * 3.6 -> 1.9 MB; a container run loads 2014 instead of 2769 classes, a pull+unpack takes ~340 instead of ~520 ms
 * of CPU on a first run). Its other start-up savings: no lambdas and no invokedynamic string concatenation on the
 * start-up path, no time-zone rules until a command runs (together ~40 ms). The shaded jar was 5.4 MB (12 MB, 3141
 * entries uncompressed): commons-compress 2.3 MB, jackson 2.1 MB, aircompressor 0.2 MB, all pulled in by the container
 * runtime; jplay's own classes are 72 KB. Unused classes are never loaded: they cost upload time, not start-up.
 *
 * <p>JVM warnings (e.g. "Unable to use shared archive") go to <em>stdout</em> by default, which would corrupt
 * the protocol: {@link #JVM_FLAGS} send them to stderr.
 */
public final class AgentLaunch {
    /** Flags for every launch, JDK 17 to 25. */
    public static final List<String> JVM_FLAGS = List.of(
            // No -XX:TieredStopAtLevel=1 (C1 only) any more: C1 has no SHA-256 intrinsic, and an image pull hashes every
            // byte twice (blob digest, diff_id). SHA-256 of 60 MB, same moment, loaded 2-core machine: 6.6 s C1-only,
            // 0.53 s tiered (C2 uses SHA-NI). C2 compiles only the few truly hot loops (thresholds x5 below).
            // Compile 5x later: a run's agent compiles mostly code it runs a few hundred times, and C1 was 15-20%
            // of all CPU of a 10-host first run; truly hot loops (digests, copies) still compile within ms.
            // 10 hosts x 10 containers on 2 cores: 19.4-20.1 -> 16.7 s CPU, 10.8-11.2 -> 9.4 s first run.
            "-XX:CompileThresholdScaling=5",
            // ...but SHA-256 compiles 20x earlier: C2's SHA-NI intrinsic came 0.7 s after start instead of 1.9 s (loaded
            // machine), and a cold pull hashes at C2 speed from its first megabytes. "quiet": no CompileCommand echo on
            // stdout (the protocol channel). No '*' in a flag: the start script passes them to sh unquoted.
            "-XX:CompileCommand=quiet",
            "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.SHA2::implCompress0,0.05",
            "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::implCompressMultiBlock0,0.05",
            "-XX:+UseSerialGC",             // least memory and threads for a small heap
            "-Xss512k",                     // worker threads only run modules
            "-XX:-UsePerfData",             // no hsperfdata file in /tmp, less start-up
            // vfork+exec instead of posix_spawn of jspawnhelper, which then execs the command: one exec per
            // command, not two (here 2.2 instead of 3.1 ms and a third less CPU per spawn of /bin/true).
            // Deprecated in JDK 23+ (a warning on stderr), still honoured.
            "-Djdk.lang.Process.launchMechanism=VFORK",
            "-Xshare:auto",                 // use CDS when the archive is valid, start without otherwise
            "-Xlog:disable", "-Xlog:all=warning:stderr"); // keep JVM warnings off the protocol channel

    public static final String MAIN_CLASS = "dev.jplay.agent.AgentMain";

    /** The agent's locale: UTF-8 file names (layer entries) whatever the login locale; the JVM fixes its file-name encoding at start-up. */
    public static final String LOCALE = "C.UTF-8";

    private AgentLaunch() {}

    /** Prints {@link #JVM_FLAGS}, space-separated: benchmarks run the runtime with the flags a host's agent has. */
    public static void main(String[] args) {
        System.out.println(String.join(" ", JVM_FLAGS));
    }

    /** Arguments after {@code java} for a plain start without a class-data archive. */
    public static List<String> javaArgs(String jarPath) {
        List<String> args = new ArrayList<>(JVM_FLAGS);
        args.add("-jar");
        args.add(jarPath);
        return args;
    }

    /**
     * POSIX sh that becomes the agent JVM of the jar at {@code $J} (the caller sets {@code J}) with its AppCDS
     * archive {@code $J.jsa}; without one (a first run) it records the archive as the JVM exits, into a temp file
     * renamed into place only after a normal exit, so concurrent or killed first runs cannot leave a torn archive.
     * UTF-8 file names whatever the login locale: the JVM fixes its file-name encoding at start-up.
     *
     * <p>A first run cannot exec: the shell must rename the archive after the JVM exits. The JVM runs in the
     * background with the shell's stdin, stdout and stderr (passed on fds 3-5: an asynchronous command's stdin would
     * otherwise be /dev/null) and the shell drops its own copies. Over SSH the controller thus sees the end of the
     * agent's output when the agent closes it, not after the seconds the archive takes to write.
     *
     * @param java      the java command as a shell word, e.g. {@code java} or a {@link #quote quoted} path
     * @param agentArgs arguments for {@code AgentMain}, e.g. {@code --state-dir DIR}
     */
    public static String startScript(String java, List<String> agentArgs) {
        return startScript(java, "$J.jsa", agentArgs);
    }

    /**
     * {@link #startScript(String, List)} with the archive at {@code archive}, a path for inside double quotes (e.g.
     * {@code $J.$R.jsa}): an archive only maps into the JVM that wrote it, so each java a host runs the jar on needs its own.
     */
    public static String startScript(String java, String archive, List<String> agentArgs) {
        StringBuilder run = new StringBuilder("env LC_ALL=").append(LOCALE).append(' ').append(java);
        for (String flag : JVM_FLAGS) run.append(' ').append(flag);
        StringBuilder args = new StringBuilder();
        for (String a : agentArgs) args.append(' ').append(quote(a));
        return "[ -f \"" + archive + "\" ] && exec " + run + " -XX:SharedArchiveFile=\"" + archive + "\" -jar \"$J\"" + args + "\n"
                + "exec 3<&0 4>&1 5>&2\n"
                + run + " -XX:ArchiveClassesAtExit=\"" + archive + ".$$\" -jar \"$J\"" + args + " 0<&3 1>&4 2>&5 3<&- 4>&- 5>&- &\n"
                + "agent=$!\n"
                + "exec 0</dev/null 1>/dev/null 2>&1 3<&- 4>&- 5>&-\n"
                // Only a JVM that exited normally wrote its archive whole: a killed one leaves no archive behind.
                + "wait $agent; rc=$?\n"
                + "[ $rc -eq 0 ] && mv -f \"" + archive + ".$$\" \"" + archive + "\" 2>/dev/null\n"
                + "rm -f \"" + archive + ".$$\"\n"
                // A JVM killed by a signal: die of the same signal, so the caller sees "killed by signal".
                + "[ $rc -gt 128 ] && kill -$((rc - 128)) $$\n"
                + "exit $rc\n";
    }

    /** Single-quotes for sh: nothing inside is expanded. */
    public static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}

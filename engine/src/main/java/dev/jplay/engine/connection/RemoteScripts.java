package dev.jplay.engine.connection;

import dev.jplay.agent.AgentLaunch;

/**
 * The POSIX sh scripts run on a host to start its agent. The common case is a single exec: the cached jar
 * is there and the script becomes the JVM. Otherwise it prints {@link #UPLOAD_MARKER} and the controller
 * uploads the jar, then runs {@link #verifyAndStart}.
 *
 * <p>Next to each cached jar lives an AppCDS archive of the agent's classes ({@code JAR.jsa}): the first
 * agent of a jar records it when it exits (into a temp file renamed into place, so concurrent first runs
 * cannot leave a torn archive); later agents map it and start in about half the CPU time.
 */
final class RemoteScripts {
    static final String NO_JAVA_MARKER = "JPLAY-NO-JAVA";
    static final String UPLOAD_MARKER = "JPLAY-UPLOAD ";
    static final String BAD_DIGEST_MARKER = "JPLAY-BAD-DIGEST ";
    static final String AGENT_DIR = ".jplay/agent";

    private RemoteScripts() {}

    /** Starts the cached agent, or prepares the 0700 directory and asks for an upload (printing $HOME). */
    static String startOrRequestUpload(AgentJar jar) {
        return "umask 077\n"
                + "command -v java >/dev/null 2>&1 || { echo " + NO_JAVA_MARKER + "; exit 127; }\n"
                + "J=\"$HOME/" + AGENT_DIR + "/" + jar.fileName() + "\"\n"
                + "[ -f \"$J\" ] && { " + startAgent() + "}\n"
                + "mkdir -p \"$HOME/" + AGENT_DIR + "\" && chmod 0700 \"$HOME/.jplay\" \"$HOME/" + AGENT_DIR + "\" || exit 1\n"
                + "echo \"" + UPLOAD_MARKER + "$HOME\"\n";
    }

    /** Checks the uploaded temp file's SHA-256, renames it into place atomically and starts the agent. */
    static String verifyAndStart(AgentJar jar, String tempPath, String finalPath) {
        String t = quote(tempPath);
        return "umask 077\n"
                + "if command -v sha256sum >/dev/null 2>&1; then H=$(sha256sum " + t + ")\n"
                + "elif command -v shasum >/dev/null 2>&1; then H=$(shasum -a 256 " + t + ")\n"
                + "else H=$(openssl dgst -sha256 -r " + t + ")\nfi\n"
                + "H=${H%% *}\n"
                + "if [ \"$H\" != " + jar.sha256() + " ]; then rm -f " + t + "; echo \"" + BAD_DIGEST_MARKER + "$H\"; exit 1; fi\n"
                + "mv -f " + t + " " + quote(finalPath) + " || exit 1\n"
                + "J=" + quote(finalPath) + "\n"
                + startAgent();
    }

    /** Runs {@code script} with /bin/sh whatever the user's login shell is. */
    static String viaSh(String script) {
        return "exec /bin/sh -c " + quote(script);
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * Becomes the agent JVM of the jar at $J using its CDS archive $J.jsa; without one, records it at exit.
     * UTF-8 file names whatever the login locale: the JVM fixes its file-name encoding at start-up.
     *
     * <p>A first run cannot exec: the shell must rename the archive after the JVM exits. The JVM runs in the
     * background with the channel's stdin, stdout and stderr (passed on fds 3-5: an asynchronous command's
     * stdin would otherwise be /dev/null) and the shell drops its own copies. The controller sees the end of
     * the agent's output when the agent closes it, not after the seconds the archive takes to write.
     */
    private static String startAgent() {
        String java = "env LC_ALL=" + AgentLaunch.LOCALE + " java " + String.join(" ", AgentLaunch.JVM_FLAGS);
        return "[ -f \"$J.jsa\" ] && exec " + java + " -XX:SharedArchiveFile=\"$J.jsa\" -jar \"$J\"\n"
                + "exec 3<&0 4>&1 5>&2\n"
                + java + " -XX:ArchiveClassesAtExit=\"$J.jsa.$$\" -jar \"$J\" 0<&3 1>&4 2>&5 3<&- 4>&- 5>&- &\n"
                + "agent=$!\n"
                + "exec 0</dev/null 1>/dev/null 2>&1 3<&- 4>&- 5>&-\n"
                // Only a JVM that exited normally wrote its archive whole: a killed one leaves no archive behind.
                + "wait $agent; rc=$?\n"
                + "[ $rc -eq 0 ] && mv -f \"$J.jsa.$$\" \"$J.jsa\" 2>/dev/null\n"
                + "rm -f \"$J.jsa.$$\"\n"
                // A JVM killed by a signal: die of the same signal, so the controller sees "killed by signal".
                + "[ $rc -gt 128 ] && kill -$((rc - 128)) $$\n"
                + "exit $rc\n";
    }
}

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
        return startOrRequestUpload(jar, null);
    }

    /** The same, starting the agent as {@code become}'s user when not null (see {@link BecomeScripts}). */
    static String startOrRequestUpload(AgentJar jar, Become become) {
        return "umask 077\n"
                + "command -v java >/dev/null 2>&1 || { echo " + NO_JAVA_MARKER + "; exit 127; }\n"
                + "J=\"$HOME/" + AGENT_DIR + "/" + jar.fileName() + "\"\n"
                + "[ -f \"$J\" ] && { " + startAgent(jar, become) + "}\n"
                + "mkdir -p \"$HOME/" + AGENT_DIR + "\" && chmod 0700 \"$HOME/.jplay\" \"$HOME/" + AGENT_DIR + "\" || exit 1\n"
                + "echo \"" + UPLOAD_MARKER + "$HOME\"\n";
    }

    /** Checks the uploaded temp file's SHA-256, renames it into place atomically and starts the agent. */
    static String verifyAndStart(AgentJar jar, String tempPath, String finalPath) {
        return verifyAndStart(jar, tempPath, finalPath, null);
    }

    /** The same, starting the agent as {@code become}'s user when not null. */
    static String verifyAndStart(AgentJar jar, String tempPath, String finalPath, Become become) {
        String t = quote(tempPath);
        return "umask 077\n"
                + "if command -v sha256sum >/dev/null 2>&1; then H=$(sha256sum " + t + ")\n"
                + "elif command -v shasum >/dev/null 2>&1; then H=$(shasum -a 256 " + t + ")\n"
                + "else H=$(openssl dgst -sha256 -r " + t + ")\nfi\n"
                + "H=${H%% *}\n"
                + "if [ \"$H\" != " + jar.sha256() + " ]; then rm -f " + t + "; echo \"" + BAD_DIGEST_MARKER + "$H\"; exit 1; fi\n"
                + "mv -f " + t + " " + quote(finalPath) + " || exit 1\n"
                + "J=" + quote(finalPath) + "\n"
                + startAgent(jar, become);
    }

    /** Runs {@code script} with /bin/sh whatever the user's login shell is. */
    static String viaSh(String script) {
        return "exec /bin/sh -c " + quote(script);
    }

    static String quote(String s) {
        return AgentLaunch.quote(s);
    }

    /**
     * Becomes the agent JVM of the jar at $J, with its CDS archive (see {@link AgentLaunch#startScript}); with
     * {@code become}, that same start wrapped to run as another user.
     */
    private static String startAgent(AgentJar jar, Become become) {
        String javaCommand = "java";
        if (become != null) return BecomeScripts.start(become, jar.fileName(), javaCommand);
        return AgentLaunch.startScript(javaCommand, java.util.List.of());
    }
}

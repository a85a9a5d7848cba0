package dev.jplay.engine.connection;

import dev.jplay.agent.AgentLaunch;
import java.util.List;

/**
 * The part of a host's start script that starts the agent as another user ({@link Become}): a wrapper around the
 * usual start script, which runs unchanged as that user, from a copy of the jar in that user's own directory (root:
 * {@link Become#rootStateDir}{@code /agent}, next to its state; so root never writes into the login user's home).
 *
 * <p>With sudo, the script first tries {@code sudo -n} (NOPASSWD); when sudo says a password is required it prints
 * {@link #PASSWORD_MARKER} and reads the password from the channel's stdin into a shell variable (never an argument
 * or an environment variable, so never in a process list), checks it with a sudo whose stdin ends after it (a wrong
 * password fails at once instead of sudo waiting for another try), and then execs {@code sudo -S -k}, which reads
 * the second copy from the channel. The controller writes the password twice, only after the marker, so the agent's
 * protocol never sees it. Any refusal prints {@link #FAILED_MARKER} with sudo's words, which {@link BecomeFailure}
 * turns into a code.
 */
final class BecomeScripts {
    static final String PASSWORD_MARKER = "JPLAY-BECOME-PASSWORD";
    static final String FAILED_MARKER = "JPLAY-BECOME-FAILED ";
    static final String NO_JAR_MARKER = "JPLAY-BECOME-NO-JAR";

    private BecomeScripts() {}

    /**
     * Sh that starts the agent of the login user's jar at {@code $J} as {@code become}'s user.
     *
     * @param java the java command as a shell word (see {@link AgentLaunch#startScript})
     */
    static String start(Become become, String jarFileName, String java) {
        String inner = RemoteScripts.quote(inner(become, jarFileName, java));
        String as = RemoteScripts.quote(become.user());
        String flags = become.flags() == null ? "" : " " + become.flags();
        StringBuilder s = new StringBuilder();
        s.append("I=").append(inner).append('\n');
        // Already that user (root logging in as root): no method needed.
        s.append("[ \"$(id -un)\" = ").append(as).append(" ] && exec /bin/sh -c \"$I\" sh \"$J\"\n");
        switch (become.method()) {
            case "sudo" -> {
                s.append("E=$(sudo -n").append(flags).append(" -u ").append(as).append(" -- /bin/sh -c : 2>&1 </dev/null)"
                        + " && exec sudo -n").append(flags).append(" -u ").append(as).append(" -- /bin/sh -c \"$I\" sh \"$J\"\n");
                s.append("case \"$E\" in *'password is required'*) ;; *) ").append(failed("$E")).append(";; esac\n");
                s.append("echo ").append(PASSWORD_MARKER).append('\n');
                s.append("IFS= read -r P || exit 1\n");
                // printf is a shell builtin: the password is in no process's argv.
                s.append("E=$(printf '%s\\n' \"$P\" | sudo -S -k -p ''").append(flags).append(" -u ").append(as)
                        .append(" -- /bin/sh -c : 2>&1) || { P=; ").append(failed("$E")).append("; }\n");
                s.append("P=\n");
                s.append("exec sudo -S -k -p ''").append(flags).append(" -u ").append(as).append(" -- /bin/sh -c \"$I\" sh \"$J\"\n");
            }
            // su and doas read a password from a terminal only: they work where none is needed (root, nopass).
            case "su" -> s.append("exec su").append(flags).append(" -s /bin/sh -c \"$I\" ").append(as).append(" -- sh \"$J\"\n");
            case "doas" -> s.append("E=$(doas -n").append(flags).append(" -u ").append(as).append(" /bin/sh -c : 2>&1 </dev/null)"
                    + " || { ").append(failed("$E")).append("; }\nexec doas -n").append(flags).append(" -u ").append(as)
                    .append(" /bin/sh -c \"$I\" sh \"$J\"\n");
            default -> throw new IllegalArgumentException(become.method());
        }
        return s.toString();
    }

    /** Prints the failure marker with {@code text} on one line, and exits. */
    private static String failed(String text) {
        return "printf '%s %s\\n' " + FAILED_MARKER.strip() + " \"$(printf '%s' \"" + text + "\" | tr '\\n' ' ')\"; exit 1";
    }

    /**
     * Runs as the become user with the login user's jar path as $1: copies it (once per build) into the user's own
     * agent directory, then becomes the agent; root's agent keeps its state in {@link Become#rootStateDir}.
     */
    static String inner(Become become, String jarFileName, String java) {
        String dir;
        List<String> args;
        if (become.isRoot()) {
            String state = become.rootStateDir();
            dir = RemoteScripts.quote(state + "/agent");
            args = List.of("--state-dir", state);
        } else {
            dir = "\"$(getent passwd \"$(id -un)\" | cut -d: -f6)/" + RemoteScripts.AGENT_DIR + "\"";
            args = List.of();
        }
        return "umask 077\n"
                + "A=" + dir + "\n"
                + "mkdir -p \"$A\" && chmod 0700 \"$A\" || exit 1\n"
                + "J=\"$A/" + jarFileName + "\"\n"
                + "if [ ! -f \"$J\" ]; then\n"
                + "  [ -r \"$1\" ] || { echo " + NO_JAR_MARKER + "; exit 1; }\n"
                + "  cp \"$1\" \"$J.$$\" && mv -f \"$J.$$\" \"$J\" || exit 1\n"
                + "fi\n"
                + AgentLaunch.startScript(java, args);
    }
}

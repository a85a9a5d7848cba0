package dev.jplay.engine.connection;

import dev.jplay.engine.playbook.Become;

import dev.jplay.protocol.AgentLaunch;
import java.util.List;

/**
 * The part of a host's start script that starts the agent as another user ({@link Become}): a wrapper around the
 * usual start script, which runs unchanged as that user, from a copy of the jar in that user's own directory (root:
 * {@link Become#rootStateDir}{@code /agent}, next to its state; another user: its {@code ~/.jplay/agent}). The copy
 * is made by the method's first call, which reads the jar from its stdin (opened by the login user, whose agent
 * directory is private): no file is ever made readable to others, and root never writes into the login user's home.
 *
 * <p>With sudo, the script first tries {@code sudo -n} (NOPASSWD); when sudo says a password is required it prints
 * {@link #PASSWORD_MARKER} and reads the password from the channel's stdin into a shell variable (never an argument
 * or an environment variable, so never in a process list), checks it with a sudo whose stdin ends after it (a wrong
 * password fails at once, one attempt, instead of sudo waiting for another try), installs the jar with it, and then
 * execs {@code sudo -S -k}, which reads the second copy from the channel. The controller writes the password twice,
 * only after the marker, so the agent's protocol never sees it. Any refusal prints {@link #FAILED_MARKER} with the
 * method's words, which {@link BecomeFailure} turns into a code.
 */
final class BecomeScripts {
    static final String PASSWORD_MARKER = "JPLAY-BECOME-PASSWORD";
    static final String FAILED_MARKER = "JPLAY-BECOME-FAILED ";

    private BecomeScripts() {}

    /**
     * Sh that starts the agent of the login user's jar at {@code $J} as {@code become}'s user, on the java the login
     * user's start script chose ({@code $JAVA}, {@code $S} its archive suffix; see {@link RemoteScripts#selectJava}),
     * passed on to the become user's script as its third and fourth arguments.
     */
    static String start(Become become, String jarFileName) {
        String as = RemoteScripts.quote(become.user());
        String flags = become.flags() == null ? "" : " " + become.flags();
        StringBuilder s = new StringBuilder();
        s.append("D=").append(RemoteScripts.quote(agentDir(become))).append('\n');
        s.append("N=").append(RemoteScripts.quote(jarFileName)).append('\n');
        s.append("X=").append(RemoteScripts.quote(INSTALL)).append('\n');
        s.append("I=").append(RemoteScripts.quote(agent(become))).append('\n');
        // Already that user (root logging in as root): no method needed.
        s.append("[ \"$(id -un)\" = ").append(as).append(" ] && { /bin/sh -c \"$X\" sh \"$D\" \"$N\" \"$JAVA\" \"$S\" <\"$J\" || exit 1;"
                + " exec /bin/sh -c \"$I\" sh \"$D\" \"$N\" \"$JAVA\" \"$S\"; }\n");
        switch (become.method()) {
            case "sudo" -> {
                String sudoN = "sudo -n" + flags + " -u " + as + " -- /bin/sh -c";
                String sudoS = "sudo -S -k -p ''" + flags + " -u " + as + " -- /bin/sh -c";
                s.append("E=$(").append(sudoN).append(" \"$X\" sh \"$D\" \"$N\" \"$JAVA\" \"$S\" 2>&1 <\"$J\") && exec ").append(sudoN)
                        .append(" \"$I\" sh \"$D\" \"$N\" \"$JAVA\" \"$S\"\n");
                s.append("case \"$E\" in *'password is required'*) ;; *) ").append(failed()).append(";; esac\n");
                s.append("echo ").append(PASSWORD_MARKER).append('\n');
                s.append("IFS= read -r P || exit 1\n");
                // printf is a shell builtin: the password is in no process's argv.
                s.append("E=$(printf '%s\\n' \"$P\" | ").append(sudoS).append(" : 2>&1) || { P=; ").append(failed()).append("; }\n");
                s.append("E=$({ printf '%s\\n' \"$P\"; cat \"$J\"; } | ").append(sudoS).append(" \"$X\" sh \"$D\" \"$N\" \"$JAVA\" \"$S\" 2>&1)"
                        + " || { P=; ").append(failed()).append("; }\n");
                s.append("P=\n");
                s.append("exec ").append(sudoS).append(" \"$I\" sh \"$D\" \"$N\" \"$JAVA\" \"$S\"\n");
            }
            // su and doas read a password from a terminal only: they work where none is needed (root, nopass).
            case "su" -> {
                String su = "su" + flags + " -s /bin/sh -c";
                s.append("E=$(").append(su).append(" \"$X\" ").append(as).append(" -- sh \"$D\" \"$N\" \"$JAVA\" \"$S\" 2>&1 <\"$J\") || { ")
                        .append(failed()).append("; }\n");
                s.append("exec ").append(su).append(" \"$I\" ").append(as).append(" -- sh \"$D\" \"$N\" \"$JAVA\" \"$S\"\n");
            }
            case "doas" -> {
                String doas = "doas -n" + flags + " -u " + as + " /bin/sh -c";
                s.append("E=$(").append(doas).append(" \"$X\" sh \"$D\" \"$N\" \"$JAVA\" \"$S\" 2>&1 <\"$J\") || { ").append(failed()).append("; }\n");
                s.append("exec ").append(doas).append(" \"$I\" sh \"$D\" \"$N\" \"$JAVA\" \"$S\"\n");
            }
            default -> throw new IllegalArgumentException(become.method());
        }
        return s.toString();
    }

    /** Prints the failure marker with $E on one line, and exits. */
    private static String failed() {
        return "printf '%s %s\\n' " + FAILED_MARKER.strip() + " \"$(printf '%s' \"$E\" | tr '\\n' ' ')\"; exit 1";
    }

    /**
     * The become user's agent directory: root's beside its state; another user's in its home, found from the
     * password database where the script runs as that user ({@code ~} would be the login user's after sudo -E).
     */
    static String agentDir(Become become) {
        return become.isRoot() ? become.rootStateDir() + "/agent" : "~/" + RemoteScripts.AGENT_DIR;
    }

    /** Sets A to the agent directory $1, a leading {@code ~/} resolved for the user this runs as. */
    private static final String RESOLVE_DIR = "case \"$1\" in '~/'*) A=\"$(getent passwd \"$(id -un)\" | cut -d: -f6)/${1#'~/'}\" ;; *) A=\"$1\" ;; esac\n";

    /**
     * Run as the become user with the agent directory ($1, {@code ~/...} resolved here) and the jar's name ($2): keeps
     * the jar from stdin there unless this build is there already (temp file + rename).
     */
    static final String INSTALL = "umask 077\n"
            + RESOLVE_DIR
            + "mkdir -p \"$A\" && chmod 0700 \"$A\" || exit 1\n"
            + "[ -f \"$A/$2\" ] && exit 0\n"
            + "cat >\"$A/$2.$$\" && mv -f \"$A/$2.$$\" \"$A/$2\" || { rm -f \"$A/$2.$$\"; exit 1; }\n";

    /** What the become user's script says when it cannot run the login user's java (see {@link #agent}). */
    static final String JAVA_UNUSABLE = "jplay: cannot execute java";

    /**
     * Run as the become user with the java ($3) and its archive suffix ($4) the login user's script chose: becomes
     * the agent JVM of its own copy of the jar; root's keeps its state apart. A java given as a path this user cannot
     * execute (a runtime jplay pushed into the login user's private ~/.jplay, for a become user other than root) is
     * refused with {@link #FAILED_MARKER}, so the controller reports it instead of a JVM that never says hello.
     */
    static String agent(Become become) {
        List<String> args = become.isRoot() ? List.of("--state-dir", become.rootStateDir()) : List.of();
        return "umask 077\n"
                + RESOLVE_DIR
                + "J=\"$A/$2\"\n"
                + "case \"$3\" in */*) [ -x \"$3\" ] || { echo \"" + FAILED_MARKER + JAVA_UNUSABLE + " $3 as $(id -un)\"; exit 1; } ;; esac\n"
                + AgentLaunch.startScript("\"$3\"", "$J$4.jsa", args);
    }
}

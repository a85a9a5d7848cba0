package dev.jplay.engine.connection;

import dev.jplay.engine.playbook.Become;

import dev.jplay.protocol.AgentLaunch;

/**
 * The POSIX sh scripts run on a host to start its agent. The common case is a single exec: the cached jar
 * is there and the script becomes the JVM. Otherwise it prints {@link #UPLOAD_MARKER} and the controller
 * uploads the jar, then runs {@link #verifyAndStart}.
 *
 * <p>Which {@code java} runs the agent is the script's choice too ({@link JavaChoice}): {@code jplay_java} when
 * the inventory names one; else the runtime jplay pushed earlier ({@code ~/.jplay/runtime/<sha16>/}), else a
 * {@code java} 17+ on the PATH (its version read from its JDK's {@code release} file, without starting a JVM). With
 * none, the script prints {@link #NO_JAVA_READY_MARKER} with the host's kernel, architecture and C library in the same
 * answer (a missing {@code jplay_java}: {@link #NO_JAVA_MARKER}), and the controller pushes a runtime
 * ({@link #installRuntimeAndStart}) only then: a host with Java costs no extra round trip.
 *
 * <p>Next to each cached jar lives an AppCDS archive of the agent's classes ({@code JAR.jsa}, or {@code JAR.<runtime>.jsa}
 * for a pushed runtime): the first
 * agent of a jar records it when it exits (into a temp file renamed into place, so concurrent first runs
 * cannot leave a torn archive); later agents map it and start in about half the CPU time.
 */
final class RemoteScripts {
    /** {@code JPLAY-NO-JAVA given <kernel> <arch> <libc> <home>}: the {@code jplay_java} the inventory names is not there. */
    static final String NO_JAVA_MARKER = "JPLAY-NO-JAVA ";
    /**
     * {@code JPLAY-NO-JAVA-READY <why> <agent> <kernel> <arch> <libc> <home>}: no usable Java (why: missing, or javaN
     * for one too old), the private runtime and agent directories made, and whether the agent jar is
     * {@code present} or {@code absent}: the controller uploads what is missing at once and installs it all with one
     * {@link #installRuntimeAndStart}, instead of a round trip for each (4 execs and 2 SFTP sessions before: 2 and 1).
     */
    static final String NO_JAVA_READY_MARKER = "JPLAY-NO-JAVA-READY ";
    static final String UPLOAD_MARKER = "JPLAY-UPLOAD ";
    /** {@code JPLAY-UPLOAD-RUNTIME <kernel> <arch> <libc> <home>}: the pushed runtime is absent, its directory ready. */
    static final String UPLOAD_RUNTIME_MARKER = "JPLAY-UPLOAD-RUNTIME ";
    static final String BAD_DIGEST_MARKER = "JPLAY-BAD-DIGEST ";
    /** Ends a {@link #BAD_DIGEST_MARKER} line about the agent jar uploaded together with a runtime. */
    static final String JAR_SUFFIX = "agent-jar";
    static final String RUNTIME_BROKEN_MARKER = "JPLAY-RUNTIME-BROKEN ";
    static final String AGENT_DIR = ".jplay/agent";
    static final String RUNTIME_DIR = ".jplay/runtime";
    /** Leftovers of interrupted runtime uploads older than this are removed by the next install. */
    static final int STALE_UPLOAD_MINUTES = 60;
    /**
     * Runtimes no agent started on for this long are removed by the next install (a controller's new JDK makes a new
     * runtime: without this each JDK update would leave ~46 MB behind on every host).
     */
    static final int UNUSED_RUNTIME_DAYS = 30;
    /**
     * Marks when an agent last started on a runtime: its mtime, updated by a redirection of the builtin {@code true}
     * (no fork; not {@code :}, whose failed redirection would end the script, as for every special builtin).
     */
    static final String USED_MARK = ".used";
    /** From this much memory (kB, 120 GiB) on, an agent JVM's default heap may be too big for compressed oops. */
    static final long NOCOOPS_MEMORY_KB = 120L * 1024 * 1024;

    private RemoteScripts() {}

    /**
     * Which java the agent runs on: {@code given} (jplay_java, a path on the host; {@code ~/} means $HOME), else
     * with {@code runtimeOnly} the pushed runtime {@code runtimeDir} (asking for its upload when absent), else
     * {@code runtimeDir} when the host has it (null: none known yet), then java 17+ on the PATH.
     */
    record JavaChoice(String given, String runtimeDir, boolean runtimeOnly) {
        static JavaChoice given(String path) { return new JavaChoice(path, null, false); }

        static JavaChoice auto(String knownRuntimeDir) { return new JavaChoice(null, knownRuntimeDir, false); }

        static JavaChoice runtime(String runtimeDir) { return new JavaChoice(null, runtimeDir, true); }
    }

    /**
     * Starts the cached agent with the installed Java, or asks for the jar's upload (printing $HOME) or for a Java;
     * as {@code become}'s user when not null (see {@link BecomeScripts}), with the java the login user's shell chose.
     */
    static String startOrRequestUpload(AgentJar jar, JavaChoice java, Become become) {
        return "umask 077\n"
                + selectJava(java, jar)
                + "J=\"$HOME/" + AGENT_DIR + "/" + jar.fileName() + "\"\n"
                + "[ -f \"$J\" ] && { " + startAgent(jar, become) + "}\n"
                + "mkdir -p \"$HOME/" + AGENT_DIR + "\" && chmod 0700 \"$HOME/.jplay\" \"$HOME/" + AGENT_DIR + "\" || exit 1\n"
                + "echo \"" + UPLOAD_MARKER + "$HOME\"\n";
    }

    static String startOrRequestUpload(AgentJar jar) {
        return startOrRequestUpload(jar, JavaChoice.auto(null), null);
    }

    static String startOrRequestUpload(AgentJar jar, JavaChoice java) {
        return startOrRequestUpload(jar, java, null);
    }

    /** Checks the uploaded temp file's SHA-256, renames it into place atomically and starts the agent. */
    static String verifyAndStart(AgentJar jar, String tempPath, String finalPath, JavaChoice java, Become become) {
        String t = quote(tempPath);
        return "umask 077\n"
                + sha256Into("H", t)
                + "if [ \"$H\" != " + jar.sha256() + " ]; then rm -f " + t + "; echo \"" + BAD_DIGEST_MARKER + "$H\"; exit 1; fi\n"
                + "mv -f " + t + " " + quote(finalPath) + " || exit 1\n"
                + selectJava(java, jar)
                + "J=" + quote(finalPath) + "\n"
                + startAgent(jar, become);
    }

    static String verifyAndStart(AgentJar jar, String tempPath, String finalPath) {
        return verifyAndStart(jar, tempPath, finalPath, JavaChoice.auto(null), null);
    }

    static String verifyAndStart(AgentJar jar, String tempPath, String finalPath, JavaChoice java) {
        return verifyAndStart(jar, tempPath, finalPath, java, null);
    }

    /**
     * Installs an uploaded runtime archive (unless a concurrent run already did): checks its SHA-256, unpacks it
     * into a temp directory and renames the directory into place, so no half runtime is ever at the path the start
     * script looks at. Then
     * continues as {@link #startOrRequestUpload} with that runtime. Also removes leftovers of uploads interrupted
     * more than {@value #STALE_UPLOAD_MINUTES} minutes ago (a younger one may be a concurrent run's) and runtimes
     * no agent started on for {@value #UNUSED_RUNTIME_DAYS} days.
     */
    static String installRuntimeAndStart(AgentRuntime runtime, String tempPath, AgentJar jar) {
        return installRuntimeAndStart(runtime, tempPath, jar, null);
    }

    /** The same, starting the agent as {@code become}'s user when not null. */
    static String installRuntimeAndStart(AgentRuntime runtime, String tempPath, AgentJar jar, Become become) {
        return installRuntimeAndStart(runtime, tempPath, jar, null, become);
    }

    /**
     * The same, also installing the agent jar uploaded with the runtime to {@code jarTempPath} (when not null):
     * checked like {@link #verifyAndStart} (a bad one answers {@link #BAD_DIGEST_MARKER}{@code <sha> }
     * {@value #JAR_SUFFIX}) and renamed into place unless a concurrent run put it there first (a new file would void
     * that jar's class archive).
     */
    static String installRuntimeAndStart(AgentRuntime runtime, String tempPath, AgentJar jar, String jarTempPath, Become become) {
        String jarInstall = "";
        if (jarTempPath != null) {
            String jt = quote(jarTempPath);
            String jf = "\"$HOME/" + AGENT_DIR + "/" + jar.fileName() + "\"";
            jarInstall = sha256Into("H", jt)
                    + "if [ \"$H\" != " + jar.sha256() + " ]; then rm -f " + jt + "; echo \"" + BAD_DIGEST_MARKER + "$H " + JAR_SUFFIX + "\"; exit 1; fi\n"
                    + "if [ -f " + jf + " ]; then rm -f " + jt + "; else mv -f " + jt + " " + jf + " || exit 1; fi\n";
        }
        String t = quote(tempPath);
        String u = quote(tempPath + ".d");
        String f = "\"$HOME/" + RUNTIME_DIR + "/" + runtime.dirName() + "\"";
        return "umask 077\n"
                + "if [ ! -x " + f + "/bin/java ]; then\n"
                + sha256Into("H", t)
                + "if [ \"$H\" != " + runtime.sha256() + " ]; then rm -f " + t + "; echo \"" + BAD_DIGEST_MARKER + "$H\"; exit 1; fi\n"
                + "rm -rf " + u + "\n"
                + "mkdir " + u + " && tar -xzf " + t + " -C " + u + " && [ -x " + u + "/bin/java ] || { rm -rf " + u
                + " " + t + "; echo \"" + RUNTIME_BROKEN_MARKER + "tar could not unpack the runtime (disk full?)\"; exit 1; }\n"
                + "[ -f " + u + "/lib/server/classes.jsa ] || " + u + "/bin/java -Xshare:dump -Xlog:disable >/dev/null 2>&1\n"
                // The JVM's default heap (a quarter of the memory) is too big for compressed oops from 128 GiB on:
                // there it maps classes_nocoops.jsa, which the runtime does not bring (see AgentRuntimeBuilder).
                + "M=0; while read -r k v r; do [ \"$k\" = MemTotal: ] && M=$v; done </proc/meminfo 2>/dev/null\n"
                + "[ \"$M\" -lt " + NOCOOPS_MEMORY_KB + " ] || " + u + "/bin/java -XX:-UseCompressedOops -Xshare:dump -Xlog:disable >/dev/null 2>&1\n"
                // mv -T fails when a concurrent install got there first (the target is a non-empty directory).
                + "mv -T " + u + " " + f + " 2>/dev/null || [ -x " + f + "/bin/java ] || mv " + u + " " + f + " || exit 1\n"
                + "rm -rf " + u + "\n"
                + "fi\n"
                + "rm -f " + t + "\n"
                + "find \"$HOME/" + RUNTIME_DIR + "\" -maxdepth 1 -name '.*.tmp*' -mmin +" + STALE_UPLOAD_MINUTES
                + " -exec rm -rf {} + 2>/dev/null\n"
                + "find \"$HOME/" + RUNTIME_DIR + "\" -mindepth 2 -maxdepth 2 -name " + USED_MARK + " -mtime +" + UNUSED_RUNTIME_DAYS
                + " 2>/dev/null | while IFS= read -r m; do [ \"${m%/*}\" = " + f + " ] || rm -rf \"${m%/*}\"; done\n"
                + jarInstall
                + startOrRequestUpload(jar, JavaChoice.runtime(runtime.dirName()), become);
    }

    /**
     * Sets {@code JAVA} to the java to run, or answers {@link #NO_JAVA_MARKER} / {@link #NO_JAVA_READY_MARKER} /
     * {@link #UPLOAD_RUNTIME_MARKER} with the host's platform and exits.
     */
    static String selectJava(JavaChoice java, AgentJar jar) {
        if (java.given() != null) {
            String g = java.given();
            String path = g.startsWith("~/") ? "\"$HOME\"/" + quote(g.substring(2)) : quote(g);
            return "JAVA=" + path + "\nS=\n"
                    + "[ -x \"$JAVA\" ] || { " + platform() + "echo \"" + NO_JAVA_MARKER + "given $P $HOME\"; exit 127; }\n";
        }
        String runtimeJava = java.runtimeDir() == null ? null
                : "\"$HOME/" + RUNTIME_DIR + "/" + java.runtimeDir() + "/bin/java\"";
        String used = java.runtimeDir() == null ? null
                : "true 2>/dev/null > \"$HOME/" + RUNTIME_DIR + "/" + java.runtimeDir() + "/" + USED_MARK + "\"";
        if (java.runtimeOnly()) {
            return "JAVA=" + runtimeJava + "\nS=." + java.runtimeDir() + "\n"
                    + "[ -x \"$JAVA\" ] || { mkdir -p \"$HOME/" + RUNTIME_DIR + "\" && chmod 0700 \"$HOME/.jplay\" \"$HOME/"
                    + RUNTIME_DIR + "\" || exit 1; " + platform() + "echo \"" + UPLOAD_RUNTIME_MARKER + "$P $HOME\"; exit 0; }\n"
                    + used + "\n";
        }
        return "JAVA=\nS=\n"
                + (runtimeJava == null ? "" : "[ -x " + runtimeJava + " ] && { JAVA=" + runtimeJava + "; S=." + java.runtimeDir()
                        + "; " + used + "; }\n")
                // A java on the PATH: its major version from the release file of its JDK (no JVM start); a java
                // without one is tried as before and refused with JAVA_TOO_OLD if it is.
                + "W=missing\n"
                + "if [ -z \"$JAVA\" ] && P=$(command -v java); then\n"
                + "V=; R=$(readlink -f \"$P\" 2>/dev/null) && R=\"${R%/bin/java}/release\" && [ -f \"$R\" ] && "
                + "while IFS= read -r l; do case $l in JAVA_VERSION=*) V=${l#*\\\"}; V=${V%%[!0-9]*};; esac; done < \"$R\"\n"
                + "[ \"$V\" = 1 ] && V=8\n"
                + "if [ -n \"$V\" ] && [ \"$V\" -lt 17 ]; then W=java$V; else JAVA=java; fi\n"
                + "fi\n"
                + "[ -n \"$JAVA\" ] || { mkdir -p \"$HOME/" + RUNTIME_DIR + "\" \"$HOME/" + AGENT_DIR + "\" && chmod 0700 \"$HOME/.jplay\" \"$HOME/"
                + RUNTIME_DIR + "\" \"$HOME/" + AGENT_DIR + "\" || exit 1; A=absent; [ -f \"$HOME/" + AGENT_DIR + "/" + jar.fileName()
                + "\" ] && A=present; " + platform() + "echo \"" + NO_JAVA_READY_MARKER + "$W $A $P $HOME\"; exit 127; }\n";
    }

    /** Sets P to "kernel arch libc", e.g. "Linux x86_64 gnu" (musl when its loader is there). */
    private static String platform() {
        return "P=$(uname -s -m); L=gnu; for f in /lib/ld-musl-*; do [ -e \"$f\" ] && L=musl; done; P=\"$P $L\"; ";
    }

    /** Sets {@code var} to the SHA-256 of the file {@code quotedPath}, with whichever tool the host has. */
    private static String sha256Into(String var, String quotedPath) {
        return "if command -v sha256sum >/dev/null 2>&1; then " + var + "=$(sha256sum " + quotedPath + ")\n"
                + "elif command -v shasum >/dev/null 2>&1; then " + var + "=$(shasum -a 256 " + quotedPath + ")\n"
                + "else " + var + "=$(openssl dgst -sha256 -r " + quotedPath + ")\nfi\n"
                + var + "=${" + var + "%% *}\n";
    }

    /** Runs {@code script} with /bin/sh whatever the user's login shell is. */
    static String viaSh(String script) {
        return "exec /bin/sh -c " + quote(script);
    }

    static String quote(String s) {
        return AgentLaunch.quote(s);
    }

    /**
     * Becomes the agent JVM of the jar at $J on $JAVA, with its CDS archive (see {@link AgentLaunch#startScript}); on a
     * pushed runtime the archive's name has the runtime's ($S), as an archive maps only into the JVM that wrote it.
     * With {@code become}, that same start wrapped to run as another user, on the same $JAVA.
     */
    private static String startAgent(AgentJar jar, Become become) {
        if (become != null) return BecomeScripts.start(become, jar.fileName());
        return AgentLaunch.startScript("\"$JAVA\"", "$J$S.jsa", java.util.List.of());
    }
}

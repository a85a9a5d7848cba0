package dev.jplay.engine.connection;

import dev.jplay.engine.playbook.Become;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The become start script's conversation, run by the local /bin/sh against a stand-in {@code sudo} (and {@code id},
 * {@code java}) on the PATH that records every command line it gets: NOPASSWD asks for nothing, a password is asked
 * for once (the controller sends it twice: checked, then used), a wrong one fails at once, and the password is in no
 * command line. Real sudo is {@code BecomeFleetIT}'s.
 */
class BecomeScriptsTest {
    private static final String PASSWORD = "pw-in-no-argv-42";

    @TempDir
    Path home;

    private Path argvLog;

    private Process start(String sudoMode) throws Exception {
        AgentJar jar = AgentJar.of("agent bytes".getBytes(StandardCharsets.UTF_8));
        Path agentDir = Files.createDirectories(home.resolve(RemoteScripts.AGENT_DIR));
        Files.writeString(agentDir.resolve(jar.fileName()), "agent bytes");
        Path bin = Files.createDirectories(home.resolve("bin"));
        argvLog = home.resolve("argv.log");
        executable(bin.resolve("id"), "#!/bin/sh\necho debian\n"); // the login user is not root
        executable(bin.resolve("sudo"), """
                #!/bin/sh
                echo "sudo $*" >>"$ARGV_LOG"
                n=0
                while [ $# -gt 0 ]; do
                  case "$1" in
                    -n) n=1 ;; -S|-k) ;; -p|-u) shift ;; --) shift; break ;; *) break ;;
                  esac
                  shift
                done
                if [ "$FAKE_MODE" = password ]; then
                  [ $n = 1 ] && { echo "sudo: a password is required" >&2; exit 1; }
                  IFS= read -r pw || { echo "sudo: no password was provided" >&2; exit 1; }
                  [ "$pw" = "$FAKE_PASSWORD" ] || { echo "Sorry, try again." >&2; echo "sudo: 1 incorrect password attempt" >&2; exit 1; }
                fi
                exec "$@"
                """);
        executable(bin.resolve("java"), "#!/bin/sh\necho \"java $*\" >>\"$ARGV_LOG\"\necho \"HELLO $*\"\ncat >/dev/null\n");
        Become become = new Become("root", "sudo", null, null, home.resolve("state").toString());
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", RemoteScripts.viaSh(RemoteScripts.startOrRequestUpload(jar, RemoteScripts.JavaChoice.auto(null), become)));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.environment().put("ARGV_LOG", argvLog.toString());
        pb.environment().put("FAKE_MODE", sudoMode);
        pb.environment().put("FAKE_PASSWORD", PASSWORD);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    private static void executable(Path p, String text) throws Exception {
        Files.writeString(p, text);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
    }

    @Test
    void nopasswdStartsTheAgentAsksNothingAndKeepsItsStateApart() throws Exception {
        Process p = start("nopasswd");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String hello = out.readLine();
        assertTrue(hello.startsWith("HELLO ") && hello.contains("--state-dir " + home.resolve("state")), hello);
        assertTrue(hello.contains(home.resolve("state").resolve("agent").toString()), "its own copy of the jar: " + hello);
        p.getOutputStream().close();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertTrue(Files.readString(argvLog).contains("sudo -n -u root -- /bin/sh -c"), Files.readString(argvLog));
    }

    @Test
    void aPasswordIsAskedForOnceSentTwiceAndInNoCommandLine() throws Exception {
        Process p = start("password");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals(BecomeScripts.PASSWORD_MARKER, out.readLine());
        OutputStream in = p.getOutputStream();
        in.write((PASSWORD + "\n" + PASSWORD + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
        String hello = out.readLine();
        assertTrue(hello != null && hello.startsWith("HELLO "), "the agent after the password: " + hello);
        in.close();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        String argv = Files.readString(argvLog);
        assertTrue(argv.contains("sudo -S -k -p  -u root -- /bin/sh -c"), argv);
        assertFalse(argv.contains(PASSWORD), "the password in a command line:\n" + argv);
    }

    @Test
    void aWrongPasswordFailsAtOnceWithSudosWords() throws Exception {
        Process p = start("password");
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertEquals(BecomeScripts.PASSWORD_MARKER, out.readLine());
        OutputStream in = p.getOutputStream();
        in.write("wrong\nwrong\n".getBytes(StandardCharsets.UTF_8));
        in.flush(); // stdin stays open, as an SSH channel's does: the check must not wait for another try
        String line = out.readLine();
        assertTrue(line.startsWith(BecomeScripts.FAILED_MARKER) && line.contains("Sorry, try again."), line);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "exits without waiting for more input");
        assertEquals(1, p.exitValue());
        assertFalse(Files.readString(argvLog).lines().anyMatch(l -> l.startsWith("java ")), "no agent started");
    }

    @Test
    void aJavaTheBecomeUserCannotExecuteIsRefusedWithTheMarker() throws Exception {
        Path stateDir = Files.createDirectories(home.resolve("agent-dir"));
        String agent = BecomeScripts.agent(new Become("app", "sudo", null, null, null));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", agent, "sh", stateDir.toString(), "agent.jar",
                home.resolve("private/runtime/bin/java").toString(), ".0123456789abcdef");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String line = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        assertTrue(line.startsWith(BecomeScripts.FAILED_MARKER + BecomeScripts.JAVA_UNUSABLE + " " + home.resolve("private/runtime/bin/java")), line);
        ConnectionException e = BecomeFailure.of(HostTarget.ssh("web-1", "10.0.0.5", "debian", List.of())
                .withBecome(new Become("app", "sudo", null, null, null)), line.substring(BecomeScripts.FAILED_MARKER.length()));
        assertEquals("BECOME_JAVA_UNUSABLE", e.code());
        assertTrue(e.getMessage().contains("jplay_java") && e.getMessage().contains("app"), e.getMessage());
    }
}

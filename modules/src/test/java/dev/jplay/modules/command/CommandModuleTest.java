package dev.jplay.modules.command;

import static dev.jplay.modules.Contexts.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.protocol.Protocol;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class CommandModuleTest {
    @TempDir Path dir;
    private final CommandModule command = new CommandModule();
    private final ShellModule shell = new ShellModule();

    @Test
    void runsArgvWithoutShellAndReportsLikeAnsible() throws Exception {
        ModuleResult r = command.run(args("command", "cmd", "printf '%s|' 'a b' $HOME"), Contexts.normal());
        assertEquals(0, r.rc());
        assertEquals("a b|$HOME|", r.stdout());
        assertTrue(r.isChanged());
        assertFalse(r.isFailed());
        assertEquals(List.of("printf", "%s|", "a b", "$HOME"), r.data().get("cmd"));
        assertTrue(((String) r.data().get("delta")).matches("0:00:\\d\\d\\.\\d{6}"), r.data().toString());
    }

    @Test
    void nonZeroExitIsAFailedResultNotAnException() throws Exception {
        ModuleResult r = shell.run(args("shell", "_raw_params", "echo oops >&2; exit 3"), Contexts.normal());
        assertEquals(3, r.rc());
        assertTrue(r.isFailed());
        assertEquals("non-zero return code", r.msg());
        assertEquals("oops", r.stderr());
    }

    @Test
    void chdirEnvAndStdin() throws Exception {
        ModuleResult r = shell.run(args("shell", "cmd", "pwd; echo $GREETING; cat", "chdir", dir.toString(),
                "stdin", "from stdin"), Contexts.withEnv(Map.of("GREETING", "hi")));
        assertEquals(dir.toRealPath() + "\nhi\nfrom stdin", r.stdout());
    }

    @Test
    void createsAndRemovesSkipWithoutRunning() throws Exception {
        Path marker = dir.resolve("marker");
        Files.writeString(marker, "x");
        ModuleResult skipped = command.run(args("command", "argv", List.of("rm", marker.toString()),
                "creates", "marker", "chdir", dir.toString()), Contexts.normal());
        assertFalse(skipped.isChanged());
        assertTrue(Files.exists(marker));
        ModuleResult ran = command.run(args("command", "argv", List.of("rm", marker.toString()),
                "removes", marker.toString()), Contexts.normal());
        assertTrue(ran.isChanged());
        assertFalse(Files.exists(marker));
        ModuleResult skippedAgain = command.run(args("command", "argv", List.of("rm", marker.toString()),
                "removes", marker.toString()), Contexts.normal());
        assertFalse(skippedAgain.isChanged());
    }

    @Test
    void checkModeRunsNothing() throws Exception {
        Path f = dir.resolve("made");
        ModuleResult r = command.run(args("command", "argv", List.of("touch", f.toString())), Contexts.check());
        assertFalse(Files.exists(f));
        assertEquals(Boolean.TRUE, r.data().get("skipped"));
    }

    @Test
    @Timeout(60)
    void bigOutputsOnBothStreamsDoNotDeadlockAndAreBounded() throws Exception {
        ModuleResult r = shell.run(args("shell", "cmd",
                "head -c 3000000 /dev/zero | tr '\\0' o; head -c 3000000 /dev/zero | tr '\\0' e >&2; echo end"),
                Contexts.normal());
        assertEquals(0, r.rc());
        assertTrue(r.stdout().length() <= Protocol.MAX_OUTPUT_CHARS, "stdout bounded: " + r.stdout().length());
        assertTrue(r.stdout().startsWith("oooo"));
        assertTrue(r.stdout().endsWith("more bytes cut by the agent]"), r.stdout().substring(r.stdout().length() - 80));
        assertTrue(r.stderr().startsWith("eeee") && r.stderr().contains("more bytes cut"));
    }

    @Test
    @Timeout(60)
    void timeoutKillsTheWholeProcessTree() throws Exception {
        Path pidFile = dir.resolve("child.pid");
        ModuleException e = assertThrows(ModuleException.class, () -> shell.run(args("shell", "cmd",
                "sleep 300 & echo $! > " + pidFile + "; wait"), Contexts.of(false, false, Duration.ofMillis(700))));
        assertEquals("exec", e.step().id());
        assertEquals("TIMEOUT", e.code());
        long child = Long.parseLong(Files.readString(pidFile).trim());
        long deadline = System.currentTimeMillis() + 5_000;
        while (ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false)
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "child " + child + " survived");
        assertTrue(((List<?>) e.detailMap().get("pids")).contains(child), e.detailMap().toString());
    }

    @Test
    void argumentErrorsNameModuleAndArgument() {
        ModuleException unknown = assertThrows(ModuleException.class,
                () -> command.run(args("command", "cmd", "true", "bogus", 1), Contexts.normal()));
        assertEquals("args", unknown.step().id());
        assertTrue(unknown.getMessage().contains("command") && unknown.getMessage().contains("bogus"));
        ModuleException quote = assertThrows(ModuleException.class,
                () -> command.run(args("command", "cmd", "echo 'x"), Contexts.normal()));
        assertEquals("args", quote.step().id());
        ModuleException missing = assertThrows(ModuleException.class,
                () -> shell.run(args("shell", "chdir", "/"), Contexts.normal()));
        assertEquals("ARG_MISSING", missing.code());
        ModuleException notFound = assertThrows(ModuleException.class,
                () -> command.run(args("command", "argv", List.of("/no/such/program")), Contexts.normal()));
        assertEquals("EXEC_FAILED", notFound.code());
    }
}

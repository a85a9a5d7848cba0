package dev.jplay.engine.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.yaml.Location;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControllerLookupsTest {
    @TempDir
    Path dir;
    private final Templater templater = new Templater();
    private final Map<String, Object> vars = new HashMap<>(Map.of("who", "web1", "port", 80));

    private Object eval(String expression, Location at) {
        return templater.expressions().value(expression, vars, at);
    }

    private Location playbook() {
        return new Location(dir.resolve("site.yml"), 5, 7);
    }

    @Test
    void envGivesTheValueOrEmpty() {
        assertEquals(System.getenv("PATH"), eval("lookup('env', 'PATH')", playbook()));
        assertEquals("", eval("lookup('env', 'JPLAY_SURELY_UNSET_VARIABLE')", playbook()));
        assertEquals(List.of(System.getenv("PATH"), ""), eval("query('env', 'PATH', 'JPLAY_SURELY_UNSET_VARIABLE')", playbook()));
    }

    @Test
    void fileIsFoundInFilesBesideThePlaybookAndInARolesFiles() throws Exception {
        Files.createDirectories(dir.resolve("files"));
        Files.writeString(dir.resolve("files/motd.txt"), "welcome\n\n");
        assertEquals("welcome", eval("lookup('file', 'motd.txt')", playbook()), "trailing whitespace stripped");
        Path role = dir.resolve("roles/web");
        Files.createDirectories(role.resolve("files"));
        Files.createDirectories(role.resolve("tasks"));
        Files.writeString(role.resolve("files/motd.txt"), "role's own");
        assertEquals("role's own", eval("lookup('file', 'motd.txt')", new Location(role.resolve("tasks/main.yml"), 3, 5)));
        assertEquals(List.of("welcome"), eval("q('file', 'motd.txt')", playbook()));
        TemplateException e = assertThrows(TemplateException.class, () -> eval("lookup('file', 'nope.txt')", playbook()));
        assertEquals(playbook(), e.location());
        assertTrue(e.getMessage().contains("could not find 'nope.txt'"), e.getMessage());
    }

    @Test
    void templateRendersWithTheTasksVariables() throws Exception {
        Files.createDirectories(dir.resolve("templates"));
        Files.writeString(dir.resolve("templates/site.conf.j2"), "server {{ who }}:{{ port + 1 }}\n");
        assertEquals("server web1:81\n", eval("lookup('template', 'site.conf.j2')", playbook()));
    }

    @Test
    void pipeGivesStdoutAndFailsOnAnErrorOrTheDeadline() {
        assertEquals("hi there", eval("lookup('pipe', 'echo hi there; echo')", playbook()));
        TemplateException failed = assertThrows(TemplateException.class,
                () -> eval("lookup('pipe', 'echo oops >&2; exit 3')", playbook()));
        assertTrue(failed.getMessage().contains("exited with 3: oops"), failed.getMessage());
        long start = System.nanoTime();
        TemplateException slow = assertThrows(TemplateException.class,
                () -> eval("lookup('pipe', 'sleep 30', timeout=1)", playbook()));
        assertTrue(slow.getMessage().contains("did not finish within 1 s"), slow.getMessage());
        assertTrue(System.nanoTime() - start < 20_000_000_000L, "killed at its deadline, not after the command");
    }

    @Test
    void unknownLookupIsALocatedError() {
        TemplateException e = assertThrows(TemplateException.class, () -> eval("lookup('dig', 'x')", playbook()));
        assertEquals(playbook(), e.location());
        assertTrue(e.getMessage().contains("unknown lookup 'dig'"), e.getMessage());
    }
}

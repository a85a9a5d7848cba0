package dev.jplay.engine.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** connection, delegate_to, local_action/action, run_once and no_log: parsed, inherited, and refused where they clash. */
class WhereTasksRunParserTest {
    private static final Path FILE = Path.of("/play/site.yml");
    // Reads the tasks as written: the implicit Gathering Facts task (FactGatheringTest) would lead every list.
    private final PlaybookParser parser = new PlaybookParser(Set.of("command", "shell", "copy", "debug", "container"),
            new dev.jplay.engine.yaml.YamlLoader(), java.util.Map.of("JPLAY_GATHERING", "explicit")::get);

    private Play play(String yaml) {
        return parser.parse(yaml, FILE).plays().get(0);
    }

    private PlaybookException error(String yaml) {
        return assertThrows(PlaybookException.class, () -> parser.parse(yaml, FILE));
    }

    private static ModuleTask task(List<Task> tasks, int i) {
        return (ModuleTask) tasks.get(i);
    }

    @Test
    void connectionIsAPlayBlockAndTaskKeywordTheInnerOneWinning() {
        Play p = play("""
                - hosts: localhost
                  connection: local
                  tasks:
                    - command: a
                    - command: b
                      connection: ssh
                    - block:
                        - command: c
                        - command: d
                          connection: local
                      connection: smart
                  handlers:
                    - name: h
                      command: e
                """);
        assertEquals("local", task(p.tasks(), 0).connection());
        assertEquals("ssh", task(p.tasks(), 1).connection());
        Block b = (Block) p.tasks().get(2);
        assertEquals("ssh", b.connection(), "smart is Ansible's name for ssh");
        assertEquals("ssh", task(b.block(), 0).connection());
        assertEquals("local", task(b.block(), 1).connection());
        assertEquals("local", task(p.handlers(), 0).connection());
        assertNull(task(play("- hosts: all\n  tasks:\n    - command: a\n").tasks(), 0).connection(), "unset: the inventory decides");
    }

    @Test
    void anUnknownTransportIsLocated() {
        PlaybookException e = error("- hosts: all\n  tasks:\n    - command: a\n      connection: docker\n");
        assertEquals(new Location(FILE, 4, 19), e.location());
        assertTrue(e.problem().startsWith("connection must be local or ssh"), e.problem());
    }

    @Test
    void delegateToRunOnceAndNoLogAreInheritedFromBlocksAndPlays() {
        Play p = play("""
                - hosts: web
                  run_once: true
                  tasks:
                    - block:
                        - command: a
                        - command: b
                          delegate_to: db1
                          no_log: false
                      delegate_to: lb1
                      no_log: true
                    - command: c
                      run_once: false
                """);
        Block b = (Block) p.tasks().get(0);
        assertEquals("lb1", task(b.block(), 0).delegateTo());
        assertTrue(task(b.block(), 0).noLog());
        assertTrue(task(b.block(), 0).runOnce());
        assertEquals("db1", task(b.block(), 1).delegateTo());
        assertFalse(task(b.block(), 1).noLog(), "a task's own no_log: false wins over its block's");
        assertFalse(task(p.tasks(), 1).runOnce());
    }

    @Test
    void remoteUserIsTheTasksElseItsBlocksElseItsPlaysAndLocatedWhereWritten() {
        Play p = play("""
                - hosts: web
                  remote_user: play-user
                  tasks:
                    - block:
                        - command: a
                        - command: b
                          remote_user: task-user
                        - block:
                            - command: c
                          remote_user: "{{ inner }}"
                      rescue:
                        - command: r
                      remote_user: block-user
                    - command: d
                """);
        Block b = (Block) p.tasks().get(0);
        assertEquals("block-user", task(b.block(), 0).remoteUser());
        assertEquals(new Location(FILE, 13, 20), task(b.block(), 0).locationOf("remote_user"), "its block's remote_user");
        assertEquals("task-user", task(b.block(), 1).remoteUser(), "a task's own remote_user wins over its block's");
        assertEquals(new Location(FILE, 7, 24), task(b.block(), 1).locationOf("remote_user"));
        assertEquals("{{ inner }}", task(((Block) b.block().get(2)).block(), 0).remoteUser(), "the innermost block's");
        assertEquals("block-user", task(b.rescue(), 0).remoteUser(), "rescue and always run as their block says");
        assertEquals("play-user", task(p.tasks(), 1).remoteUser(), "the play's, below every block's");
        assertEquals(new Location(FILE, 2, 16), task(p.tasks(), 1).locationOf("remote_user"));
    }

    @Test
    void localActionFreeFormAndMappingFormsDelegateToLocalhost() {
        Play p = play("""
                - hosts: web
                  tasks:
                    - local_action: command echo hi chdir=/tmp
                    - local_action:
                        module: ansible.builtin.copy
                        content: x
                        dest: /tmp/x
                    - local_action: copy content=y dest=/tmp/y
                    - action: shell echo there
                """);
        ModuleTask free = task(p.tasks(), 0);
        assertEquals("command", free.module());
        assertEquals(Map.of("_raw_params", "echo hi", "chdir", "/tmp"), free.args());
        assertEquals("localhost", free.delegateTo());
        ModuleTask mapping = task(p.tasks(), 1);
        assertEquals("copy", mapping.module());
        assertEquals(Map.of("content", "x", "dest", "/tmp/x"), mapping.args());
        assertEquals("localhost", mapping.delegateTo());
        assertEquals(Map.of("content", "y", "dest", "/tmp/y"), task(p.tasks(), 2).args());
        ModuleTask action = task(p.tasks(), 3);
        assertEquals("shell", action.module());
        assertNull(action.delegateTo(), "action: does not delegate");
    }

    @Test
    void localActionMistakesAreLocated() {
        PlaybookException two = error("- hosts: all\n  tasks:\n    - local_action: command a\n      command: b\n");
        assertEquals(new Location(FILE, 4, 7), two.location());
        assertTrue(two.problem().startsWith("'local_action' already names the module"), two.problem());
        PlaybookException delegated = error("- hosts: all\n  tasks:\n    - local_action: command a\n      delegate_to: lb1\n");
        assertEquals("'local_action' runs on localhost: it takes no 'delegate_to'", delegated.problem());
        PlaybookException unknown = error("- hosts: all\n  tasks:\n    - local_action: comand a\n");
        assertEquals(new Location(FILE, 3, 21), unknown.location());
        assertTrue(unknown.problem().startsWith("unknown module 'comand' in local_action (did you mean 'command'"), unknown.problem());
        PlaybookException noModule = error("- hosts: all\n  tasks:\n    - local_action: {cmd: a}\n");
        assertEquals("local_action needs 'module: NAME' next to the module's arguments", noModule.problem());
    }

    @Test
    void aConnectionKeywordOverADelegationIsRefusedNotResolvedSilently() {
        PlaybookException e = error("""
                - hosts: web
                  connection: local
                  tasks:
                    - command: drain
                      delegate_to: lb1
                """);
        assertEquals(new Location(FILE, 5, 7), e.location());
        assertTrue(e.problem().contains("delegate_to: lb1") && e.problem().contains("connection: local"), e.problem());
        // Saying "the controller" twice is no clash.
        assertEquals("localhost", task(play("- hosts: web\n  connection: local\n  tasks:\n    - local_action: command a\n").tasks(), 0).delegateTo());
    }

    @Test
    void aRollbackPlayRefusesContainersThatRunElsewhere() {
        PlaybookException e = error("""
                - hosts: web
                  rollback: batch
                  tasks:
                    - container: {name: web, image: x}
                      delegate_to: lb1
                """);
        assertEquals(new Location(FILE, 4, 7), e.location());
        assertTrue(e.problem().startsWith("a container task with delegate_to: lb1 runs its container on another host"), e.problem());
    }

    @Test
    void unnamedNoLogTasksAreTitledByTheirModuleAlone() {
        Play p = play("""
                - hosts: web
                  tasks:
                    - command: echo s3cret
                      no_log: true
                    - command: echo visible
                    - name: named
                      command: echo s3cret
                      no_log: true
                    - block:
                        - shell: echo s3cret
                      no_log: yes
                """);
        assertEquals("command", task(p.tasks(), 0).displayName());
        assertEquals("command: echo visible", task(p.tasks(), 1).displayName());
        assertEquals("named", task(p.tasks(), 2).displayName());
        assertEquals("shell", task(((Block) p.tasks().get(3)).block(), 0).displayName());
    }
}

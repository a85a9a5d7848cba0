package dev.jplay.engine.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** become, become_user, become_method and become_flags: play, block and task keywords, the inner one winning. */
class BecomeKeywordsParserTest {
    private static final Path FILE = Path.of("/play/site.yml");
    // Reads the tasks as written: the implicit Gathering Facts task (FactGatheringTest) would lead every list.
    private final PlaybookParser parser = new PlaybookParser(Set.of("command", "container"), new dev.jplay.engine.yaml.YamlLoader(),
            java.util.Map.of("JPLAY_GATHERING", "explicit")::get);

    private Play play(String yaml) {
        return parser.parse(yaml, FILE).plays().get(0);
    }

    private static ModuleTask task(List<Task> tasks, int i) {
        return (ModuleTask) tasks.get(i);
    }

    @Test
    void inheritedFromPlayAndBlockTheInnerOneWinning() {
        Play p = play("""
                - hosts: all
                  become: yes
                  become_user: postgres
                  tasks:
                    - command: a
                    - command: b
                      become: false
                    - block:
                        - command: c
                        - command: d
                          become_user: root
                          become_flags: -H
                      become_method: su
                  handlers:
                    - name: h
                      command: e
                """);
        assertEquals(new BecomeKeywords(true, "postgres", null, null), task(p.tasks(), 0).become());
        assertEquals(new BecomeKeywords(false, "postgres", null, null), task(p.tasks(), 1).become());
        Block b = (Block) p.tasks().get(2);
        assertEquals(new BecomeKeywords(true, "postgres", "su", null), task(b.block(), 0).become());
        assertEquals(new BecomeKeywords(true, "root", "su", "-H"), task(b.block(), 1).become());
        assertEquals(new BecomeKeywords(true, "postgres", null, null), task(p.handlers(), 0).become(), "handlers too");
        assertEquals(BecomeKeywords.NONE, task(play("- hosts: all\n  tasks:\n    - command: a\n").tasks(), 0).become(),
                "unset: the inventory and the command line decide");
    }

    @Test
    void anUnknownMethodIsALocatedError() {
        PlaybookException e = assertThrows(PlaybookException.class, () -> play("""
                - hosts: all
                  tasks:
                    - command: a
                      become_method: runas
                """));
        assertEquals(new Location(FILE, 4, 22), e.location());
        assertTrue(e.problem().contains("sudo, su or doas"), e.problem());
    }

    @Test
    void becomeMustBeABoolean() {
        PlaybookException e = assertThrows(PlaybookException.class, () -> play("""
                - hosts: all
                  become: sometimes
                  tasks:
                    - command: a
                """));
        assertEquals(2, e.location().line());
    }
}

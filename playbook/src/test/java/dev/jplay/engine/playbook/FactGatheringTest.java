package dev.jplay.engine.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.engine.yaml.YamlLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FactGatheringTest {
    private final PlaybookParser parser = new PlaybookParser(Set.of("command", "debug", "setup"));
    private static final Path FILE = Path.of("/play/site.yml");

    private Play play(String yaml) {
        return parser.parse(yaml, FILE).plays().get(0);
    }

    @Test
    void explicitGatherFactsAddsTheSetupTaskFirstAsThePlayRunsIt() {
        Play p = play("""
                - hosts: web
                  gather_facts: true
                  gather_subset: [network, "!hardware"]
                  gather_timeout: 20
                  become: true
                  remote_user: deploy
                  tasks:
                    - command: /bin/true
                """);
        ModuleTask gather = (ModuleTask) p.tasks().get(0);
        assertEquals("Gathering Facts", gather.name());
        assertEquals("setup", gather.module());
        assertEquals(Map.of("gather_subset", List.of("network", "!hardware")), gather.args());
        assertEquals(List.of("always"), gather.tags());
        assertEquals(20, gather.timeoutSeconds());
        assertTrue(gather.become().become(), "as the play's become");
        assertEquals("deploy", gather.remoteUser());
        assertEquals(2, gather.location().line(), "located at gather_facts");
        assertTrue(FactGathering.isGathering(gather));
        assertEquals(2, p.tasks().size());
    }

    @Test
    void falseNeverGathers() {
        Play p = play("""
                - hosts: web
                  gather_facts: no
                  tasks:
                    - debug: {msg: "{{ ansible_os_family }}"}
                """);
        assertEquals(1, p.tasks().size());
    }

    @Test
    void everyPlayGathersByDefaultAsInAnsible(@TempDir Path dir) throws Exception {
        Play plain = play("""
                - hosts: web
                  tasks:
                    - command: /bin/true
                """);
        assertEquals(2, plain.tasks().size(), "a playbook that never reads facts gathers them too, as ansible-playbook does");
        ModuleTask gather = (ModuleTask) plain.tasks().get(0);
        assertTrue(FactGathering.isGathering(gather));
        assertEquals(Map.of(), gather.args(), "setup's default subset: all");
        assertEquals(1, gather.location().line(), "located at the play when it does not say gather_facts");
        Path file = dir.resolve("site.yml");
        Files.writeString(file, """
                - hosts: web
                  tasks:
                    - command: /bin/true
                - hosts: web
                  gather_facts: false
                  tasks:
                    - command: /bin/true
                """);
        Playbook pb = parser.parse(file);
        assertTrue(FactGathering.isGathering(pb.plays().get(0).tasks().get(0)));
        assertFalse(FactGathering.isGathering(pb.plays().get(1).tasks().get(0)));
        assertEquals(1, pb.plays().get(1).tasks().size());
    }

    @Test
    void ansibleGatheringExplicitInTheEnvironmentGathersOnlyWhereThePlaySaysSo() {
        String yaml = """
                - hosts: web
                  tasks:
                    - command: /bin/true
                - hosts: web
                  gather_facts: true
                  tasks:
                    - command: /bin/true
                """;
        Playbook explicit = parser(Map.of("ANSIBLE_GATHERING", "explicit")).parse(yaml, FILE);
        assertEquals(1, explicit.plays().get(0).tasks().size());
        assertTrue(FactGathering.isGathering(explicit.plays().get(1).tasks().get(0)));
        Playbook jplayWins = parser(Map.of("ANSIBLE_GATHERING", "explicit", "JPLAY_GATHERING", "smart")).parse(yaml, FILE);
        assertTrue(FactGathering.isGathering(jplayWins.plays().get(0).tasks().get(0)), "JPLAY_GATHERING first");
        PlaybookException bad = assertThrows(PlaybookException.class,
                () -> parser(Map.of("ANSIBLE_GATHERING", "sometimes")).parse(yaml, FILE));
        assertTrue(bad.getMessage().contains("ANSIBLE_GATHERING='sometimes'"), bad.getMessage());
        assertTrue(bad.getMessage().contains("site.yml:1:"), "located at the play: " + bad.getMessage());
    }

    @Test
    void startAtTaskKeepsTheGatheringOfThePlayItStartsInOnly() {
        Playbook pb = parser.parse("""
                - hosts: web
                  tasks:
                    - {name: x1, command: /bin/true}
                - hosts: web
                  tasks:
                    - {name: y1, command: /bin/true}
                    - {name: y2, command: /bin/true}
                """, FILE);
        Playbook started = StartAtTask.apply(pb, "y2");
        assertEquals(List.of(), started.plays().get(0).tasks(), "plays before it gather nothing (ansible-playbook 2.14 did the same)");
        List<Task> second = started.plays().get(1).tasks();
        assertEquals(2, second.size());
        assertTrue(FactGathering.isGathering(second.get(0)));
        assertEquals("y2", ((ModuleTask) second.get(1)).name());
    }

    private static PlaybookParser parser(Map<String, String> env) {
        return new PlaybookParser(Set.of("command", "setup"), new YamlLoader(), env::get);
    }
}

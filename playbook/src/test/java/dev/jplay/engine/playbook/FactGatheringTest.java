package dev.jplay.engine.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void byDefaultOnlyPlaybooksThatReadFactsGatherThem() {
        assertEquals(1, play("""
                - hosts: web
                  vars: {user: "{{ ansible_user | default('root') }}"}
                  tasks:
                    - command: echo {{ inventory_hostname }} {{ ansible_host | default('') }}
                """).tasks().size(), "connection variables are not facts");
        Play reads = play("""
                - hosts: web
                  tasks:
                    - command: /bin/true
                      when: ansible_facts['os_family'] == 'Debian'
                """);
        assertTrue(FactGathering.isGathering(reads.tasks().get(0)));
        Play viaVars = play("""
                - hosts: web
                  vars: {ip: "{{ ansible_default_ipv4.address }}"}
                  tasks:
                    - command: /bin/true
                """);
        assertTrue(FactGathering.isGathering(viaVars.tasks().get(0)));
    }

    @Test
    void aPlayGathersWhenALaterPlayOfItsFileReadsFacts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("site.yml");
        Files.writeString(file, """
                - hosts: web
                  tasks:
                    - command: /bin/true
                - hosts: web
                  gather_facts: false
                  tasks:
                    - debug: {msg: "{{ hostvars[inventory_hostname]['ansible_facts']['hostname'] }}"}
                """);
        Playbook pb = parser.parse(file);
        assertTrue(FactGathering.isGathering(pb.plays().get(0).tasks().get(0)));
        assertFalse(FactGathering.isGathering(pb.plays().get(1).tasks().get(0)));
    }

    @Test
    void factNamesAreToldFromOtherAnsibleVariables() {
        assertTrue(FactGathering.mentionsFacts("{{ ansible_eth0.ipv4.address }}"));
        assertTrue(FactGathering.mentionsFacts("ansible_distribution_major_version | int >= 12"));
        assertFalse(FactGathering.mentionsFacts("{{ ansible_host }}:{{ ansible_port }} {{ ansible_check_mode }}"));
    }
}

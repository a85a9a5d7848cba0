package dev.jplay.engine.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.yaml.PlaybookException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServiceKeywordTest {
    private static final String REPLICAS = "  replicas: {app: web, count: 4, pool: web}\n";
    private final PlaybookParser parser = new PlaybookParser(Set.of("container"));

    private Playbook parse(String yaml) {
        return parser.parse(yaml, Path.of("/play/site.yml"));
    }

    private Play play(String lines) {
        return parse("- hosts: all\n" + lines + "  tasks: []\n").plays().get(0);
    }

    private String error(String yaml) {
        return assertThrows(PlaybookException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void aServiceDefaultsTargetPortAndProtocol() {
        ServiceSpec s = play(REPLICAS + "  service: {name: web, port: 80}\n").service();
        assertEquals("web", s.name());
        assertEquals(80, s.port());
        assertEquals(80, s.targetPort());
        assertEquals("tcp", s.protocol());
        ServiceSpec udp = play(REPLICAS + "  service: {name: dns, port: 53, target_port: 5353, protocol: udp}\n").service();
        assertEquals(5353, udp.targetPort());
        assertEquals("53/udp", udp.portKey());
        assertNull(play(REPLICAS).service());
        assertEquals("cluster", s.trafficPolicy());
    }

    @Test
    void trafficPolicyIsClusterOrLocalAsKubernetesExternalTrafficPolicy() {
        ServiceSpec local = play(REPLICAS + "  service: {name: web, port: 80, traffic_policy: local}\n").service();
        assertTrue(local.local());
        assertEquals("local", local.trafficPolicy());
        String bad = error("- hosts: all\n" + REPLICAS + "  service: {name: web, port: 80, traffic_policy: Local}\n  tasks: []\n");
        assertTrue(bad.contains("site.yml:3:") && bad.contains("service traffic_policy must be cluster or local") && bad.contains("(Local)"), bad);
        String typo = error("- hosts: all\n" + REPLICAS + "  service: {name: web, port: 80, trafic_policy: local}\n  tasks: []\n");
        assertTrue(typo.contains("unknown service key 'trafic_policy'") && typo.contains("traffic_policy"), typo);
    }

    @Test
    void mistakesAreLocatedAtTheirLineAndColumn() {
        String noReplicas = error("- hosts: all\n  service: {name: web, port: 80}\n  tasks: []\n");
        assertTrue(noReplicas.contains("site.yml:2:3") && noReplicas.contains("service needs replicas"), noReplicas);
        String badPort = error("- hosts: all\n" + REPLICAS + "  service: {name: web, port: 70000}\n  tasks: []\n");
        assertTrue(badPort.contains("site.yml:3:") && badPort.contains("port number from 1 to 65535") && badPort.contains("70000"), badPort);
        String badProtocol = error("- hosts: all\n" + REPLICAS + "  service: {name: web, port: 80, protocol: sctp}\n  tasks: []\n");
        assertTrue(badProtocol.contains("tcp or udp") && badProtocol.contains("sctp"), badProtocol);
        String noPort = error("- hosts: all\n" + REPLICAS + "  service: {name: web}\n  tasks: []\n");
        assertTrue(noPort.contains("needs a port"), noPort);
        String unknown = error("- hosts: all\n" + REPLICAS + "  service: {name: web, port: 80, targetport: 8080}\n  tasks: []\n");
        assertTrue(unknown.contains("unknown service key 'targetport'") && unknown.contains("target_port"), unknown);
        String badName = error("- hosts: all\n" + REPLICAS + "  service: {name: Web!, port: 80}\n  tasks: []\n");
        assertTrue(badName.contains("service name 'Web!'"), badName);
    }

    @Test
    void twoPlaysMayNotShareAServiceNameOrPort() {
        String sameName = error("- hosts: a\n" + REPLICAS + "  service: {name: web, port: 80}\n  tasks: []\n"
                + "- hosts: b\n  replicas: {app: api, count: 2}\n  service: {name: web, port: 81}\n  tasks: []\n");
        assertTrue(sameName.contains("site.yml:7:") && sameName.contains("declared twice") && sameName.contains("site.yml:3:"), sameName);
        String samePort = error("- hosts: a\n" + REPLICAS + "  service: {name: web, port: 80}\n  tasks: []\n"
                + "- hosts: b\n  replicas: {app: api, count: 2}\n  service: {name: api, port: 80}\n  tasks: []\n");
        assertTrue(samePort.contains("uses port 80/tcp, as service 'web' does"), samePort);
        // the same number over udp is another port
        parse("- hosts: a\n" + REPLICAS + "  service: {name: web, port: 80}\n  tasks: []\n"
                + "- hosts: b\n  replicas: {app: api, count: 2}\n  service: {name: api, port: 80, protocol: udp}\n  tasks: []\n");
    }

    @Test
    void stateAbsentNeedsNoPort() {
        ServiceSpec s = play(REPLICAS + "  service: {name: web, state: absent}\n").service();
        assertTrue(s.absent());
    }

    @Test
    void updateTakesSwarmsNames() {
        UpdatePolicy u = play(REPLICAS + "  service: {name: web, port: 80}\n  update: {order: stop-first, max_surge: 25%, drain: 2s}\n").update();
        assertEquals(UpdatePolicy.Order.STOP_FIRST, u.effectiveOrder(true));
        assertEquals(5, u.surgeFor(20));
        assertEquals(1, u.surgeFor(2));
        assertEquals(2.0, u.drainSeconds());
        UpdatePolicy none = play(REPLICAS).update();
        assertEquals(UpdatePolicy.Order.START_FIRST, none.effectiveOrder(true), "start-first is the default with a service");
        assertEquals(UpdatePolicy.Order.STOP_FIRST, none.effectiveOrder(false), "stop-first (the old behaviour) without one");
        Play both = play(REPLICAS + "  rollback: batch\n  update: {order: start-first}\n");
        assertEquals(UpdatePolicy.Order.START_FIRST, both.update().effectiveOrder(true), "start-first rolls back start-first");
        assertEquals(1, none.surgeFor(20));
        assertEquals(0.5, play("  update: {drain: 500ms, max_surge: 3}\n").update().drainSeconds());
        String bad = error("- hosts: all\n  update: {order: blue-green}\n  tasks: []\n");
        assertTrue(bad.contains("site.yml:2:") && bad.contains("start-first or stop-first"), bad);
        String badSurge = error("- hosts: all\n  update: {max_surge: 0}\n  tasks: []\n");
        assertTrue(badSurge.contains("positive count or a percentage"), badSurge);
    }

    @Test
    void aContainerTaskHasItsOwnUpdateWhichOverridesThePlays() {
        Playbook pb = parse("- hosts: all\n  gather_facts: false\n" + REPLICAS + "  service: {name: web, port: 80}\n  update: {drain: 5s}\n  tasks:\n"
                + "    - container: {name: a, image: x}\n      update: {order: stop-first, max_surge: 2, drain: 1s}\n"
                + "    - container: {name: b, image: x}\n");
        ModuleTask own = (ModuleTask) pb.plays().get(0).tasks().get(0);
        assertEquals(UpdatePolicy.Order.STOP_FIRST, own.update().effectiveOrder(true));
        assertEquals(2, own.update().surgeFor(10));
        assertEquals(1.0, own.update().drainSeconds());
        assertNull(((ModuleTask) pb.plays().get(0).tasks().get(1)).update(), "none of its own: the play's applies");
        assertEquals(1.0, own.withName("renamed").update().drainSeconds(), "kept under another title (roles)");

        String elsewhere = assertThrows(PlaybookException.class, () -> new PlaybookParser(Set.of("container", "command"))
                .parse("- hosts: all\n  tasks:\n    - command: echo hi\n      update: {drain: 1s}\n", Path.of("/play/site.yml"))).getMessage();
        assertTrue(elsewhere.contains("site.yml:4:7") && elsewhere.contains("only valid on a container task"), elsewhere);
        String badOrder = error("- hosts: all\n  tasks:\n    - container: {name: a, image: x}\n      update: {order: rolling}\n");
        assertTrue(badOrder.contains("site.yml:4:23") && badOrder.contains("start-first or stop-first"), badOrder);
        String badKey = error("- hosts: all\n  tasks:\n    - container: {name: a, image: x}\n      update: {drian: 1s}\n");
        assertTrue(badKey.contains("site.yml:4:16") && badKey.contains("unknown update key 'drian'"), badKey);
        assertEquals(0.5, UpdatePolicy.drainSeconds("500ms"), "jplay rollback --drain takes the same syntax");
        assertEquals(60.0, UpdatePolicy.drainSeconds("1m"));
        assertNull(UpdatePolicy.drainSeconds("2h"));
        String badDrain = error("- hosts: all\n  tasks:\n    - container: {name: a, image: x}\n      update: {drain: soon}\n");
        assertTrue(badDrain.contains("site.yml:4:23") && badDrain.contains("update drain"), badDrain);
    }
}

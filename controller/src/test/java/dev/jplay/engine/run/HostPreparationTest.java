package dev.jplay.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.connection.AgentSession;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.connection.StartupReport;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.protocol.AgentHello;
import dev.jplay.protocol.AgentResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** When the preparation runs host_setup, with which arguments, and what it makes of the answer. */
class HostPreparationTest {
    private static final HostTarget REMOTE = new HostTarget("web1", "10.0.0.5", 22, "debian", List.of(), null, HostTarget.Kind.SSH);
    private final List<Map<String, Object>> calls = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();
    private AgentResult answer = new AgentResult("result", 1, "changed", true, null, null, null, "installed runc attr with apt",
            null, null, null, 0);
    private final HostPreparation preparation = new HostPreparation(false, new RunListener() {
        @Override public void warning(String message) { warnings.add(message); }
    });
    private final HostRun host = new HostRun("web1", Map.of(), REMOTE, List.of());

    private static ModuleTask task(String yaml) {
        return (ModuleTask) new PlaybookParser(PlaybookRunner.knownModules())
                .parse("- hosts: all\n  gather_facts: false\n  tasks:\n    - " + yaml + "\n", Path.of("/p.yml")).plays().get(0).tasks().get(0);
    }

    private TaskResult before(String taskYaml, Map<String, Object> args, Map<String, Object> vars, HostTarget target)
            throws Exception {
        return preparation.before(host, task(taskYaml), args, vars, target, session());
    }

    @Test
    void onceBeforeTheFirstImageOrContainerTaskOfARemoteHost() throws Exception {
        assertNull(before("command: id", Map.of(), Map.of(), REMOTE));
        assertNull(before("image: {name: x}", Map.of("name", "x"), Map.of(), REMOTE));
        assertEquals(List.of(Map.of("cni_plugins", List.of())), calls, "an image needs no CNI plugins");
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).matches("web1: installed runc attr with apt in [0-9]+\\.[0-9]{2} s"
                + " \\(host preparation before its first container task\\)"), warnings.get(0));
        assertNull(before("container: {name: c, image: x}", Map.of("name", "c"), Map.of(), REMOTE));
        assertEquals(1, calls.size(), "host networking: nothing more to prepare");
        assertNull(before("container: {name: c, image: x}", Map.of("name", "c", "network", Map.of("ip", "10.1.0.2")), Map.of(), REMOTE));
        assertEquals(Map.of(), calls.get(1), "a jplay network: the module's default CNI plugins");
        assertNull(before("container: {name: d, image: x}", Map.of("name", "d", "network", Map.of()), Map.of(), REMOTE));
        assertEquals(2, calls.size(), "once per agent and need");
    }

    @Test
    void aFleetServiceNeedsNft() throws Exception {
        assertNull(before("fleet_service: {name: web, port: 80}", Map.of("name", "web", "port", 80), Map.of(), REMOTE));
        assertEquals(List.of(Map.of("cni_plugins", List.of(), "tools", List.of("nft"))), calls, "its rules are an nftables table");
        assertNull(before("fleet_service: {name: dns, port: 53}", Map.of("name", "dns", "port", 53), Map.of(), REMOTE));
        assertEquals(1, calls.size(), "once per agent");
    }

    @Test
    void neverOnTheControllerNorWhenTurnedOff() throws Exception {
        assertNull(before("image: {name: x}", Map.of(), Map.of(), HostTarget.local("localhost")));
        assertNull(before("image: {name: x}", Map.of(), Map.of("jplay_host_setup", "no"), REMOTE));
        assertEquals(List.of(), calls);
        TaskResult invalid = before("image: {name: x}", Map.of(), Map.of("jplay_host_setup", "maybe"), REMOTE);
        assertEquals("SETUP_INVALID", invalid.failure().code());
    }

    @Test
    void aFailedSetupFailsTheTaskSayingSo() throws Exception {
        answer = new AgentResult("result", 1, "failed", false, null, null, null, "the host lacks runc", null, null,
                new dev.jplay.protocol.Failure(dev.jplay.protocol.Step.SETUP, "SETUP_NEEDS_ROOT", "the host lacks runc"), 0);
        TaskResult r = before("image: {name: x}", Map.of(), Map.of(), REMOTE);
        assertEquals(true, r.registered().get("failed"));
        assertEquals("SETUP_NEEDS_ROOT", r.failure().code());
        assertEquals(false, r.registered().containsKey("_code"), "the location is typed, not among what register shows");
        assertTrue(String.valueOf(r.msg()).startsWith("preparing the host for containers failed: "), String.valueOf(r.msg()));
    }

    private AgentSession session() {
        return new AgentSession() {
            @Override public HostTarget target() { return REMOTE; }
            @Override public AgentHello hello() { return null; }
            @Override public StartupReport startup() { return null; }
            @Override public CompletableFuture<AgentResult> call(String module, Map<String, Object> args, boolean check, boolean diff,
                                                                 Duration timeout, Map<String, String> env) {
                assertEquals("host_setup", module);
                calls.add(args);
                return CompletableFuture.completedFuture(answer);
            }
            @Override public boolean isOpen() { return true; }
            @Override public void abort() {}
            @Override public void close() {}
        };
    }
}

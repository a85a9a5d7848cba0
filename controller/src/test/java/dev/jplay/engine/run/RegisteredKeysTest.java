package dev.jplay.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.engine.template.Expressions;
import dev.jplay.engine.template.Templater;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@code register} shows for each kind of module, key by key and in order: users print these maps (debug,
 * templates), so their shape is part of what jplay shows.
 */
class RegisteredKeysTest {
    private final Templater templater = new Templater();
    private final ControllerModules modules = new ControllerModules(templater, new Expressions(templater));
    private final HostRun host = new HostRun("h", Map.of(), HostTarget.local("h"), List.of());

    private static ModuleTask task(String yaml) {
        return (ModuleTask) new PlaybookParser(PlaybookRunner.knownModules())
                .parse("- hosts: all\n  gather_facts: false\n  tasks:\n    - " + yaml + "\n", Path.of("/p.yml")).plays().get(0).tasks().get(0);
    }

    private Map<String, Object> controller(String yaml, Map<String, Object> args) {
        return modules.run(task(yaml), args, Map.of("x", 5), host, null, null).registered();
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    private static void assertSame(Map<String, Object> expected, Map<String, Object> actual) {
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(actual.keySet()), "key order");
        assertEquals(expected, actual);
    }

    @Test
    void controllerModulesShowChangedAndFailedFirstThenTheirOwnKeys() {
        assertSame(map("changed", false, "failed", false, "x", 5, "msg", "x: 5"), controller("debug: {var: x}", Map.of("var", "x")));
        assertSame(map("changed", false, "failed", false, "msg", "hi"), controller("debug: {msg: hi}", Map.of("msg", "hi")));
        assertSame(map("changed", false, "failed", false, "ansible_facts", Map.of("y", 1)), controller("set_fact: {y: 1}", Map.of("y", 1)));
        assertSame(map("changed", false, "failed", false, "msg", "All assertions passed"),
                controller("assert: {that: [x == 5]}", Map.of("that", List.of("x == 5"))));
        assertSame(map("changed", false, "failed", true, "msg", "assertion failed: x == 4", "assertion", "x == 4"),
                controller("assert: {that: [x == 4]}", Map.of("that", List.of("x == 4"))));
        assertSame(map("changed", false, "failed", true, "msg", "no"), controller("fail: {msg: no}", Map.of("msg", "no")));
    }

    @Test
    void rawShowsChangedFirstAndFailedLast() throws Exception {
        HostTarget target = HostTarget.local("h");
        assertSame(map("changed", false, "failed", true, "msg", "raw: a command line is required (raw: some command)"),
                RawModule.run(null, target, Map.of(), Map.of(), false, Duration.ofSeconds(5)).registered());
        assertSame(map("changed", false, "failed", false, "msg", "skipped in check mode: raw cannot tell what its command would change"),
                RawModule.run(null, target, Map.of(PlaybookParser.RAW_PARAMS, "id"), Map.of(), true, Duration.ofSeconds(5)).registered());
        try (Connections connections = Connections.builder().build()) {
            assertSame(map("changed", true, "rc", 0, "stdout", "a\nb\n", "stdout_lines", List.of("a", "b"), "stderr", "",
                    "stderr_lines", List.of(), "failed", false),
                    RawModule.run(connections, target, Map.of(PlaybookParser.RAW_PARAMS, "printf 'a\\nb\\n'"), Map.of(), false,
                            Duration.ofSeconds(30)).registered());
            assertSame(map("changed", true, "rc", 3, "stdout", "", "stdout_lines", List.of(), "stderr", "e\n",
                    "stderr_lines", List.of("e"), "failed", true, "msg", "non-zero return code"),
                    RawModule.run(connections, target, Map.of(PlaybookParser.RAW_PARAMS, "echo e >&2; exit 3"), Map.of(), false,
                            Duration.ofSeconds(30)).registered());
        }
    }

    @Test
    void anAgentResultShowsTheModulesDataFirstAndLaterKeysAtTheEnd() {
        TaskResult t = TaskResult.of(new AgentResult("result", 1, "ok", false, 0, "a\n", null, null, null,
                Map.of("path", "/p"), null, 0));
        t.changed(true);
        t.fail(new Failure(Step.CONDITION, "FAILED_WHEN", "failed_when condition held"));
        t.attempts(2);
        assertSame(map("path", "/p", "changed", true, "failed", true, "rc", 0, "stdout", "a\n", "stdout_lines", List.of("a", ""),
                "msg", "failed_when condition held", "attempts", 2), t.registered());
        t.pass();
        assertEquals(false, t.registered().get("failed"));
    }

    @Test
    void theTypedFieldsWinOverAModulesDataOfTheSameNameWhichKeepsItsPlace() {
        Map<String, Object> data = map("changed", "by the module", "warnings", List.of("w"), "rc", "kept: no typed rc");
        TaskResult t = TaskResult.of(new AgentResult("result", 1, "changed", true, null, null, null, "done", null, data, null, 0));
        assertSame(map("changed", true, "warnings", List.of("w"), "rc", "kept: no typed rc", "failed", false, "msg", "done"),
                t.registered());
        assertEquals(List.of("w"), t.output().get("warnings"), "module keys stay the module's output");
        assertEquals(null, t.rc(), "an rc is typed or absent");
    }
}

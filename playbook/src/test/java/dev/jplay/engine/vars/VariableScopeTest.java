package dev.jplay.engine.vars;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.vars.VariableScope.Layer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VariableScopeTest {
    /** Every layer defines "v" as its own name, added in an order unrelated to precedence. */
    private static VariableScope allLayers() {
        VariableScope scope = VariableScope.empty();
        for (Layer l : new Layer[] {Layer.PLAY_VARS, Layer.EXTRA_VARS, Layer.HOST_VARS, Layer.ROLE_DEFAULTS,
                Layer.TASK_VARS, Layer.ROLE_VARS, Layer.PLAY_VARS_FILES, Layer.REGISTERED}) {
            scope = scope.with(l, Map.of("v", l.name(), "only_" + l.name(), 1));
        }
        return scope;
    }

    @Test
    void eachLayerBeatsAllLayersBelowIt() {
        VariableScope scope = allLayers();
        assertEquals("EXTRA_VARS", scope.get("v"));
        assertEquals(1, scope.get("only_ROLE_DEFAULTS"));
        Layer[] order = Layer.values();
        for (int i = 0; i < order.length; i++) {
            // Layers i..end, added lowest first: layer i must win over everything below it.
            VariableScope scopeFromI = VariableScope.empty();
            for (int j = order.length - 1; j >= i; j--) scopeFromI = scopeFromI.with(order[j], Map.of("v", order[j].name()));
            assertEquals(order[i].name(), scopeFromI.get("v"));
            assertEquals(order[i], scopeFromI.layerOf("v"));
        }
    }

    @Test
    void withinTaskVarsTheLaterAddedWinsLoopVarOverTaskVarsOverBlockVars() {
        VariableScope scope = VariableScope.empty()
                .with(Layer.PLAY_VARS, Map.of("item", "play"))
                .with(Layer.TASK_VARS, Map.of("item", "block", "x", "block"))
                .with(Layer.TASK_VARS, Map.of("x", "task"))
                .with(Layer.TASK_VARS, "item", "loop");
        assertEquals("loop", scope.get("item"));
        assertEquals("task", scope.get("x"));
        assertEquals("prod", scope.with(Layer.EXTRA_VARS, Map.of("item", "prod")).get("item"));
    }

    @Test
    void layersAreReadLiveNotCopied() {
        Map<String, Object> registered = new HashMap<>();
        VariableScope scope = VariableScope.empty()
                .with(Layer.HOST_VARS, Map.of("out", "host"))
                .with(Layer.REGISTERED, registered);
        assertEquals("host", scope.get("out"));
        registered.put("out", Map.of("rc", 0));
        assertEquals(Map.of("rc", 0), scope.get("out"));
    }

    @Test
    void nullValuesAreDefined() {
        Map<String, Object> task = new HashMap<>();
        task.put("v", null);
        VariableScope scope = VariableScope.empty().with(Layer.PLAY_VARS, Map.of("v", 1)).with(Layer.TASK_VARS, task);
        assertTrue(scope.containsKey("v"));
        assertNull(scope.get("v"));
        assertFalse(scope.containsKey("w"));
        assertNull(scope.layerOf("w"));
    }

    @Test
    void derivedScopesDoNotAffectTheBase() {
        VariableScope base = VariableScope.empty().with(Layer.HOST_VARS, Map.of("a", 1));
        VariableScope task = base.with(Layer.TASK_VARS, Map.of("a", 2));
        assertEquals(1, base.get("a"));
        assertEquals(2, task.get("a"));
        assertEquals(Map.of("a", 2), Map.copyOf(task));
        assertThrows(UnsupportedOperationException.class, () -> task.put("a", 3));
    }

    @Test
    void aVariableSharedByHostsComesFromThePlayScopeElseFromHostsThatAgree() {
        Map<String, Map<String, Object>> hostVars = Map.of("a", Map.of("pools", "hosts"), "b", Map.of("pools", "hosts"),
                "c", Map.of("pools", "other"), "d", Map.of());
        VariableScope play = VariableScope.empty().with(Layer.PLAY_VARS, Map.of("pools", "vars"));
        assertEquals("vars", play.sharedByHosts("pools", List.of("a", "c"), hostVars::get), "the play wins, even over hosts that disagree");
        assertEquals("files", play.with(Layer.PLAY_VARS_FILES, Map.of("pools", "files")).sharedByHosts("pools", List.of("a"), hostVars::get));
        assertEquals("extra", play.with(Layer.PLAY_VARS_FILES, Map.of("pools", "files")).with(Layer.EXTRA_VARS, Map.of("pools", "extra"))
                .sharedByHosts("pools", List.of("a"), hostVars::get));
        assertEquals("hosts", VariableScope.empty().sharedByHosts("pools", List.of("d", "a", "b"), hostVars::get));
        assertNull(VariableScope.empty().sharedByHosts("pools", List.of("d"), hostVars::get));
        VariableScope.HostsDisagree e = assertThrows(VariableScope.HostsDisagree.class,
                () -> VariableScope.empty().sharedByHosts("pools", List.of("a", "d", "b", "c"), hostVars::get));
        assertEquals("a", e.first());
        assertEquals("c", e.second());
        assertEquals("pools differs between hosts a and c", e.getMessage());
    }

    @Test
    void roleVarsSitBetweenRegisteredAndVarsFilesAndRoleDefaultsLowest() {
        // Ansible: role defaults < inventory < play vars < vars_files < role vars < set_fact/registered < task vars < -e
        VariableScope scope = VariableScope.empty()
                .with(Layer.PLAY_VARS_FILES, Map.of("a", "vars_files", "b", "vars_files"))
                .with(Layer.ROLE_VARS, Map.of("a", "role_vars", "b", "role_vars", "c", "role_vars"))
                .with(Layer.REGISTERED, Map.of("b", "registered"))
                .with(Layer.HOST_VARS, Map.of("d", "host", "e", "host"))
                .with(Layer.ROLE_DEFAULTS, Map.of("e", "role_default", "f", "role_default"));
        assertEquals("role_vars", scope.get("a"), "role vars beat vars_files");
        assertEquals("registered", scope.get("b"), "registered and set_fact beat role vars");
        assertEquals("host", scope.get("e"), "anything beats role defaults");
        assertEquals("role_default", scope.get("f"));
        assertEquals(Layer.ROLE_VARS, scope.layerOf("c"));
    }
}

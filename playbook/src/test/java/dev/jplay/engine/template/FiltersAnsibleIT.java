package dev.jplay.engine.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.YamlLoader;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test of filters and expressions: every expression of {@code filter-table.yml} is rendered by the
 * real {@code ansible-playbook} (a debug task each, JSON callback, one run) and by jplay's {@link Templater} with the
 * same variables; their text (Python's {@code str()} of the value, as Jinja prints it) must be equal.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class FiltersAnsibleIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @SuppressWarnings("unchecked")
    void sameTextAsAnsible(@TempDir Path dir) throws Exception {
        assumeTrue(new File("/usr/bin/ansible-playbook").canExecute(), "ansible-playbook is not installed");
        String table = new String(getClass().getResourceAsStream("filter-table.yml").readAllBytes(),
                StandardCharsets.UTF_8);
        Map<String, Object> doc = (Map<String, Object>) new YamlLoader().load(table, Path.of("filter-table.yml")).toJava();
        Map<String, Object> vars = (Map<String, Object>) doc.get("vars");
        List<String> expressions = (List<String>) doc.get("expressions");

        StringBuilder playbook = new StringBuilder("- hosts: localhost\n  gather_facts: false\n  vars: ")
                .append(JSON.writeValueAsString(vars)).append("\n  tasks:\n");
        for (String e : expressions) {
            playbook.append("    - debug: {msg: ").append(JSON.writeValueAsString("{{ " + e + " }}")).append("}\n")
                    .append("      ignore_errors: true\n");
        }
        Path pb = dir.resolve("table.yml");
        Files.writeString(pb, playbook);
        Path out = dir.resolve("out.json");
        ProcessBuilder builder = new ProcessBuilder("ansible-playbook", "-i", "localhost,", "-c", "local", pb.toString())
                .redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile());
        builder.environment().put("ANSIBLE_STDOUT_CALLBACK", "json");
        builder.environment().put("ANSIBLE_LOCALHOST_WARNING", "false");
        builder.environment().put("ANSIBLE_NOCOLOR", "1");
        Process p = builder.start();
        if (!p.waitFor(180, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("ansible-playbook did not finish within 180 s");
        }
        JsonNode tasks = JSON.readTree(out.toFile()).path("plays").path(0).path("tasks");
        assertEquals(expressions.size(), tasks.size(), "one ansible result per expression: " + Files.readString(out));

        Templater templater = new Templater();
        Location at = Location.startOf(pb);
        List<String> differences = new ArrayList<>();
        for (int i = 0; i < expressions.size(); i++) {
            JsonNode result = tasks.get(i).path("hosts").path("localhost");
            String expression = expressions.get(i);
            if (result.path("failed").asBoolean(false)) {
                differences.add(expression + ": ansible failed: " + result.path("msg").asText());
                continue;
            }
            Object fromAnsible = JSON.treeToValue(result.get("msg"), Object.class);
            String ansible = text(fromAnsible);
            String jplay;
            try {
                Object value = templater.render("{{ " + expression + " }}", vars, at);
                // Ansible 2.14 turns a one-expression result that reads as a mapping or list back into one.
                if (value instanceof String s && (fromAnsible instanceof Map || fromAnsible instanceof List)) {
                    value = new YamlLoader().load(s, Path.of("converted")).toJava();
                }
                jplay = text(value);
            } catch (RuntimeException e) {
                jplay = "ERROR " + e.getMessage();
            }
            if (!ansible.equals(jplay)) differences.add(expression + "\n    ansible: " + ansible + "\n    jplay:   " + jplay);
        }
        assertTrue(differences.isEmpty(), differences.size() + " of " + expressions.size() + " differ:\n"
                + String.join("\n", differences));
    }

    /** As Jinja prints a value: None as "" (Ansible's finalize), mappings with sorted keys (the JSON callback sorts). */
    private static String text(Object value) {
        return value == null ? "" : PythonText.str(sorted(value));
    }

    private static Object sorted(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.TreeMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), sorted(v)));
            return new java.util.LinkedHashMap<>(out);
        }
        if (value instanceof List<?> l) return l.stream().map(FiltersAnsibleIT::sorted).toList();
        return value;
    }
}

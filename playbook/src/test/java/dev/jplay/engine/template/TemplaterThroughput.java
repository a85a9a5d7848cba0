package dev.jplay.engine.template;

import dev.jplay.engine.vars.VariableScope;
import dev.jplay.engine.vars.VariableScope.Layer;
import dev.jplay.engine.yaml.Location;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Rough throughput figures (not a test): {@code java -cp ... dev.jplay.engine.template.TemplaterThroughput}. */
public final class TemplaterThroughput {
    public static void main(String[] args) {
        Templater templater = new Templater();
        Expressions expressions = new Expressions(templater);
        Location at = new Location(Path.of("bench.yml"), 1, 1);
        Map<String, Object> host = new HashMap<>();
        for (int i = 0; i < 200; i++) host.put("host_var_" + i, "value " + i);
        host.put("ansible_host", "10.0.0.1");
        Map<String, Object> registered = new HashMap<>(Map.of("result", Map.of("rc", 0, "stdout", "ok", "changed", true)));
        Map<String, Object> task = Map.of("src", "{{ ansible_host }}:/etc/{{ item.name }}.conf",
                "mode", "0644", "owner", "{{ item.owner }}", "list", "{{ users }}");
        VariableScope base = VariableScope.empty().with(Layer.HOST_VARS, host)
                .with(Layer.PLAY_VARS, Map.of("users", List.of("a", "b")))
                .with(Layer.REGISTERED, registered);
        for (int round = 0; round < 3; round++) {
            int n = 500_000;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                VariableScope scope = base.with(Layer.TASK_VARS, "item", Map.of("name", "n" + (i & 15), "owner", "root"));
                templater.render(task, scope, at);
            }
            long t1 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                expressions.test(List.of("result.rc == 0 and 'ok' in result.stdout", "missing is not defined"), base, at);
            }
            long t2 = System.nanoTime();
            System.out.printf("round %d: %,.0f task-arg renders/s (4 args, 3 templated), %,.0f condition tests/s (2 conditions)%n",
                    round, n / ((t1 - t0) / 1e9), n / ((t2 - t1) / 1e9));
        }
    }
}

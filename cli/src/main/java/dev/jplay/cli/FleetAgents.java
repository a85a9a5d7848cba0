package dev.jplay.cli;

import dev.jplay.engine.connection.AgentJar;
import dev.jplay.engine.connection.ConnectionException;
import dev.jplay.engine.connection.Connections;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.connection.SshSettings;
import dev.jplay.engine.run.BecomeDefaults;
import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Step;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The agents of some inventory hosts, for the verbs that ask each host something outside a playbook ({@code exec},
 * {@code state rebuild}, {@code plan}'s check): one session per host, opened in parallel (bounded by forks), as the
 * login user or, with {@code -b}, the privileged agent (containers started with become are root's). Every answer is
 * either the agent's result or a located failure.
 */
final class FleetAgents implements AutoCloseable {
    /** A host's answer: {@code result} (which may itself be a failed module), or why there is none. */
    record Answer(String host, AgentResult result, Step step, String code, String message, boolean unreachable) {
        static Answer of(String host, AgentResult r) {
            return new Answer(host, r, null, null, null, false);
        }

        /** True when the module ran and succeeded. */
        boolean ok() {
            return result != null && !result.failed();
        }

        /** "step/CODE: message" of a failure (the module's, or the connection's). */
        String describe() {
            if (result != null && result.failed()) {
                return (result.error() != null ? result.error().step().id() + "/" + result.error().code() : "agent/FAILED") + ": " + result.msg();
            }
            return step.id() + "/" + code + ": " + message;
        }

        /** The module's failure code, or the connection's. */
        String failureCode() {
            if (result != null && result.failed()) return result.error() != null ? result.error().code() : "FAILED";
            return code;
        }
    }

    private final Inventory inventory;
    private final BecomeDefaults become;
    private final Connections connections;

    FleetAgents(Inventory inventory, SshSettings ssh, BecomeDefaults become, int forks) {
        this.inventory = inventory;
        this.become = become;
        this.connections = Connections.builder().ssh(ssh).forks(Math.max(1, forks)).agentJar(AgentJar.embedded()).build();
    }

    /** The host's target with its vars and the command line's become; IllegalArgumentException for a bad become var. */
    HostTarget target(String host) {
        return AgentTargets.of(host, inventory.hostVars(host), become);
    }

    Connections connections() {
        return connections;
    }

    /** Calls {@code module} on the host; the agent enforces {@code timeout} (null: the module's deadline). */
    CompletableFuture<AgentResult> callAsync(String host, String module, Map<String, Object> args, Duration timeout) {
        HostTarget t;
        try {
            t = target(host);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new ConnectionException(host, Step.BECOME, "BECOME_OPTIONS", e.getMessage()));
        }
        return connections.open(t).thenCompose(s -> s.call(module, args, false, false, timeout, null));
    }

    /** Waits at most {@code wait} for {@code call}'s answer. */
    static Answer await(String host, CompletableFuture<AgentResult> call, Duration wait) throws InterruptedException {
        try {
            return Answer.of(host, call.get(wait.toMillis(), TimeUnit.MILLISECONDS));
        } catch (ExecutionException e) {
            ConnectionException c = Connections.unwrap(e.getCause());
            return new Answer(host, null, c.step(), c.code(), c.getMessage(), true);
        } catch (TimeoutException e) {
            call.cancel(true);
            return new Answer(host, null, Step.AGENT, "TIMEOUT", "no answer within " + wait.toSeconds() + " s", true);
        }
    }

    /** {@code module} on every host at once, each answer within {@code wait}; in the hosts' order. */
    Map<String, Answer> callAll(List<Host> hosts, String module, Map<String, Object> args, Duration wait) throws InterruptedException {
        Map<String, CompletableFuture<AgentResult>> calls = new LinkedHashMap<>();
        for (Host h : hosts) calls.put(h.name(), callAsync(h.name(), module, args, null));
        Map<String, Answer> out = new LinkedHashMap<>();
        long deadline = System.nanoTime() + wait.toNanos();
        for (Map.Entry<String, CompletableFuture<AgentResult>> c : calls.entrySet()) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            out.put(c.getKey(), await(c.getKey(), c.getValue(), left));
        }
        return out;
    }

    /** The maps under the result's {@code data.containers} (the agent's answer is untrusted: nothing else is taken). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> containers(AgentResult r) {
        List<Map<String, Object>> out = new java.util.ArrayList<>();
        if (r != null && r.data() != null && r.data().get("containers") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m) out.add((Map<String, Object>) m);
            }
        }
        return out;
    }

    @Override
    public void close() {
        connections.close();
    }
}

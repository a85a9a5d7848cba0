package dev.jplay.protocol;

import dev.jplay.protocol.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * The protocol's one codec, used by both ends ({@link Protocol} shows the messages). Each message is one line of
 * JSON; absent and null fields mean the same, and the writer leaves nulls out.
 *
 * <p>The agent trusts its controller, but checks a request field by field ({@link #parseRequest}), so a bad one is
 * answered with its id. The controller trusts nothing an agent sends: {@link #parseHello} and {@link #parseResult}
 * check it against the schema before anything else reads it: known message type, known fields of the right JSON
 * type, a status and a step from the vocabulary, and the id of a request still waiting for its answer.
 */
public final class AgentCodec {
    private AgentCodec() {}

    /** A message from an agent outside the schema: the agent is not trusted again. */
    public static final class ProtocolViolation extends Exception {
        public ProtocolViolation(String message) {
            super(message);
        }
    }

    /** A request that cannot be run; {@link #id} is the request's id if it had a usable one, else -1. */
    public static final class BadRequest extends Exception {
        public final long id;

        public BadRequest(long id, String message) {
            super(message);
            this.id = id;
        }
    }

    private static final Set<String> STATUSES = Set.of("ok", "changed", "failed", "skipped");
    private static final Set<String> RESULT_FIELDS = Set.of("type", "id", "status", "changed", "rc", "stdout",
            "stderr", "msg", "diff", "data", "error", "duration_ms");
    private static final Set<String> ERROR_FIELDS = Set.of("step", "code", "message", "detail", "retryable");

    // ---- controller -> agent ----

    /** A request as one line, terminator included. */
    public static byte[] encode(AgentRequest request) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", request.type());
        m.put("id", request.id());
        putIfSet(m, "module", request.module());
        putIfSet(m, "args", request.args());
        m.put("check", request.check());
        m.put("diff", request.diff());
        putIfSet(m, "timeout_ms", request.timeoutMs());
        putIfSet(m, "env", request.env());
        try {
            return line(Json.write(m));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("request " + request.id() + " for module " + request.module()
                    + " cannot be encoded as JSON: " + e.getMessage(), e);
        }
    }

    /** A request line ({@code run} or {@code bye}, without its terminator), checked field by field. */
    @SuppressWarnings("unchecked")
    public static AgentRequest parseRequest(byte[] line) throws BadRequest {
        Object json;
        try {
            json = Json.parse(line);
        } catch (IOException e) {
            throw new BadRequest(-1, e.getMessage());
        }
        if (!(json instanceof Map<?, ?> m)) throw new BadRequest(-1, "a request must be a JSON object");
        long id = m.get("id") instanceof Number n ? n.longValue() : -1;
        Object type = m.get("type");
        if ("bye".equals(type)) return new AgentRequest("bye", id, null, Map.of(), false, false, null, Map.of());
        if (!"run".equals(type)) throw new BadRequest(id, "unknown request type '" + type + "' (expected run or bye)");
        if (!(m.get("id") instanceof Number)) throw new BadRequest(-1, "'id' must be a number");
        if (!(m.get("module") instanceof String module)) throw new BadRequest(id, "'module' must be a string");
        Object args = m.get("args");
        if (args != null && !(args instanceof Map)) throw new BadRequest(id, "'args' must be an object");
        Object timeout = m.get("timeout_ms");
        if (timeout != null && !(timeout instanceof Number)) throw new BadRequest(id, "'timeout_ms' must be a number");
        Map<String, String> env = new LinkedHashMap<>();
        Object envValue = m.get("env");
        if (envValue instanceof Map<?, ?> e) {
            for (Map.Entry<?, ?> kv : e.entrySet()) {
                Object v = kv.getValue();
                if (v instanceof Map || v instanceof List) throw new BadRequest(id, "env value of '" + kv.getKey()
                        + "' must be a scalar");
                if (v != null) env.put(String.valueOf(kv.getKey()), String.valueOf(v));
            }
        } else if (envValue != null) {
            throw new BadRequest(id, "'env' must be an object");
        }
        return new AgentRequest("run", id, module, args == null ? Map.of() : (Map<String, Object>) args,
                Boolean.TRUE.equals(m.get("check")), Boolean.TRUE.equals(m.get("diff")),
                timeout == null ? null : ((Number) timeout).longValue(), Map.copyOf(env));
    }

    // ---- agent -> controller ----

    /** The hello line, terminator included. */
    public static byte[] encode(AgentHello hello) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "hello");
        m.put("protocol", hello.protocol());
        putIfSet(m, "agent", hello.agentDigest());
        putIfSet(m, "java", hello.javaVersion());
        m.put("pid", hello.pid());
        putIfSet(m, "uid", hello.uid());
        m.put("modules", hello.modules());
        return line(Json.write(m));
    }

    /**
     * A result line, terminator included.
     *
     * @throws IllegalArgumentException if a module put a value into the result that is no plain JSON value (the
     *                                  message names its type and key)
     */
    public static byte[] encode(AgentResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", r.type());
        m.put("id", r.id());
        m.put("status", r.status());
        m.put("changed", r.changed());
        putIfSet(m, "rc", r.rc());
        putIfSet(m, "stdout", r.stdout());
        putIfSet(m, "stderr", r.stderr());
        putIfSet(m, "msg", r.msg());
        putIfSet(m, "diff", r.diff());
        putIfSet(m, "data", r.data());
        if (r.error() != null) m.put("error", toMap(r.error()));
        m.put("duration_ms", r.durationMs());
        return line(Json.write(m));
    }

    private static Map<String, Object> toMap(Failure f) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", f.step().id());
        m.put("code", f.code());
        putIfSet(m, "message", f.message());
        if (!f.detail().isEmpty()) m.put("detail", f.detail());
        if (f.retryable()) m.put("retryable", true);
        return m;
    }

    public static AgentHello parseHello(String line) throws ProtocolViolation {
        Map<String, Object> node = object(line);
        if (!"hello".equals(node.get("type"))) {
            throw new ProtocolViolation("expected a hello message first, got type " + render(node.get("type")));
        }
        int protocol = integer(node, "protocol", true).intValue();
        if (protocol != Protocol.VERSION) {
            throw new ProtocolViolation("agent speaks protocol " + protocol + ", controller speaks " + Protocol.VERSION);
        }
        String java = string(node, "java", false);
        Number pid = integer(node, "pid", false);
        Number uid = integer(node, "uid", false);
        String digest = string(node, "agent", false);
        List<String> modules = new java.util.ArrayList<>();
        Object list = node.get("modules");
        if (list != null) {
            if (!(list instanceof List<?> l)) throw new ProtocolViolation("hello field 'modules' must be an array");
            for (Object m : l) {
                if (!(m instanceof String s)) throw new ProtocolViolation("hello field 'modules' must hold strings");
                modules.add(s);
            }
        }
        return new AgentHello(protocol, java, pid == null ? -1 : pid.longValue(), modules, digest,
                uid == null ? null : uid.longValue());
    }

    /** Parses a result line; {@code pending} says whether an id belongs to a request awaiting its answer. */
    public static AgentResult parseResult(String line, LongPredicate pending) throws ProtocolViolation {
        Map<String, Object> node = object(line);
        if (!"result".equals(node.get("type"))) throw new ProtocolViolation("unknown message type " + render(node.get("type")));
        for (String field : node.keySet()) {
            if (!RESULT_FIELDS.contains(field)) throw new ProtocolViolation("unknown result field '" + field + "'");
        }
        long id = integer(node, "id", true).longValue();
        if (!pending.test(id)) throw new ProtocolViolation("result for id " + id + ", which no request is waiting for");
        String status = string(node, "status", true);
        if (!STATUSES.contains(status)) throw new ProtocolViolation("result " + id + " has unknown status '" + status + "'");
        Object changed = node.get("changed");
        if (changed != null && !(changed instanceof Boolean)) throw new ProtocolViolation("result field 'changed' must be a boolean");
        Number rc = integer(node, "rc", false);
        if (rc != null && (rc.longValue() < Integer.MIN_VALUE || rc.longValue() > Integer.MAX_VALUE)) {
            throw new ProtocolViolation("field 'rc' must be an integer");
        }
        Number duration = integer(node, "duration_ms", false);
        Failure error = null;
        Object errorNode = node.get("error");
        if (errorNode != null) {
            if (!(errorNode instanceof Map)) throw new ProtocolViolation("result field 'error' must be an object");
            Map<String, Object> e = Json.asObject(errorNode);
            for (String field : e.keySet()) {
                if (!ERROR_FIELDS.contains(field)) throw new ProtocolViolation("unknown error field '" + field + "'");
            }
            String stepId = string(e, "step", true);
            Step step = Step.fromId(stepId);
            if (step == null) throw new ProtocolViolation("result " + id + " has unknown step '" + stepId + "'");
            Object retryable = e.get("retryable");
            if (retryable != null && !(retryable instanceof Boolean)) {
                throw new ProtocolViolation("error field 'retryable' must be a boolean");
            }
            error = new Failure(step, string(e, "code", true), string(e, "message", false), map(e, "detail"),
                    Boolean.TRUE.equals(retryable));
        }
        return new AgentResult("result", id, status, Boolean.TRUE.equals(changed),
                rc == null ? null : rc.intValue(), string(node, "stdout", false), string(node, "stderr", false),
                string(node, "msg", false), map(node, "diff"), map(node, "data"), error,
                duration == null ? 0 : duration.longValue());
    }

    /** Just the id of a line, if it has one: to tell which request a malformed result was meant for. */
    public static Long idOf(String line) {
        try {
            Object json = Json.parse(line.getBytes(StandardCharsets.UTF_8));
            return json instanceof Map<?, ?> m && m.get("id") instanceof Number n && fitsLong(n) ? n.longValue() : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Map<String, Object> object(String line) throws ProtocolViolation {
        Object json;
        try {
            json = Json.parse(line.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ProtocolViolation("not JSON: " + e.getMessage());
        }
        if (!(json instanceof Map)) throw new ProtocolViolation("not a JSON object");
        return Json.asObject(json);
    }

    private static String string(Map<String, Object> node, String field, boolean required) throws ProtocolViolation {
        Object v = node.get(field);
        if (v == null) {
            if (required) throw new ProtocolViolation("field '" + field + "' is missing");
            return null;
        }
        if (!(v instanceof String s)) throw new ProtocolViolation("field '" + field + "' must be a string");
        return s;
    }

    private static Number integer(Map<String, Object> node, String field, boolean required) throws ProtocolViolation {
        Object v = node.get(field);
        if (v == null) {
            if (required) throw new ProtocolViolation("field '" + field + "' is missing");
            return null;
        }
        if (!(v instanceof Number n) || v instanceof Double || !fitsLong(n)) {
            throw new ProtocolViolation("field '" + field + "' must be an integer");
        }
        return n.longValue();
    }

    private static boolean fitsLong(Number n) {
        return !(n instanceof java.math.BigInteger b) || b.bitLength() < 64;
    }

    private static Map<String, Object> map(Map<String, Object> node, String field) throws ProtocolViolation {
        Object v = node.get(field);
        if (v == null) return null;
        if (!(v instanceof Map)) throw new ProtocolViolation("field '" + field + "' must be an object");
        return Json.asObject(v);
    }

    /** A value as JSON text for a message ({@code "log"}, {@code null}), as the schema errors always showed it. */
    private static String render(Object value) {
        return value == null ? "null" : Json.writeString(value);
    }

    private static byte[] line(byte[] body) {
        byte[] line = new byte[body.length + 1];
        System.arraycopy(body, 0, line, 0, body.length);
        line[body.length] = '\n';
        return line;
    }

    private static void putIfSet(Map<String, Object> m, String key, Object value) {
        if (value != null) m.put(key, value);
    }
}

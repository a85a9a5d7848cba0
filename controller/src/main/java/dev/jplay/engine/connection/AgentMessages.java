package dev.jplay.engine.connection;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.protocol.AgentError;
import dev.jplay.protocol.AgentRequest;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Protocol;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * Encodes requests and checks what an agent sends against the protocol schema before anything else reads
 * it: known message type, known fields of the right JSON type, a status from the vocabulary and the id of a
 * request still waiting for its answer.
 */
final class AgentMessages {

    static final class ProtocolViolation extends Exception {
        ProtocolViolation(String message) {
            super(message);
        }
    }

    private static final Set<String> STATUSES = Set.of("ok", "changed", "failed", "skipped");
    private static final Set<String> RESULT_FIELDS = Set.of("type", "id", "status", "changed", "rc", "stdout",
            "stderr", "msg", "diff", "data", "error", "duration_ms");
    private static final Set<String> ERROR_FIELDS = Set.of("step", "code", "message", "detail");

    private final ObjectMapper json = new ObjectMapper();

    byte[] encode(AgentRequest request) {
        try {
            byte[] body = json.writeValueAsBytes(request);
            byte[] line = new byte[body.length + 1];
            System.arraycopy(body, 0, line, 0, body.length);
            line[body.length] = '\n';
            return line;
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("request " + request.id() + " for module " + request.module()
                    + " cannot be encoded as JSON: " + e.getOriginalMessage(), e);
        }
    }

    AgentHello parseHello(String line) throws ProtocolViolation {
        JsonNode node = object(line);
        if (!"hello".equals(node.path("type").asText(null))) {
            throw new ProtocolViolation("expected a hello message first, got type " + node.get("type"));
        }
        int protocol = integer(node, "protocol", true).intValue();
        if (protocol != Protocol.VERSION) {
            throw new ProtocolViolation("agent speaks protocol " + protocol + ", controller speaks " + Protocol.VERSION);
        }
        String java = string(node, "java", false);
        Number pid = integer(node, "pid", false);
        String digest = string(node, "agent", false);
        List<String> modules = new ArrayList<>();
        JsonNode list = node.get("modules");
        if (list != null && !list.isNull()) {
            if (!list.isArray()) throw new ProtocolViolation("hello field 'modules' must be an array");
            for (JsonNode m : list) {
                if (!m.isTextual()) throw new ProtocolViolation("hello field 'modules' must hold strings");
                modules.add(m.asText());
            }
        }
        return new AgentHello(protocol, java, pid == null ? -1 : pid.longValue(), modules, digest);
    }

    /** Parses a result line; {@code pending} says whether an id belongs to a request awaiting its answer. */
    AgentResult parseResult(String line, LongPredicate pending) throws ProtocolViolation {
        JsonNode node = object(line);
        String type = node.path("type").asText(null);
        if (!"result".equals(type)) throw new ProtocolViolation("unknown message type " + node.get("type"));
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!RESULT_FIELDS.contains(field)) throw new ProtocolViolation("unknown result field '" + field + "'");
        }
        long id = integer(node, "id", true).longValue();
        if (!pending.test(id)) throw new ProtocolViolation("result for id " + id + ", which no request is waiting for");
        String status = string(node, "status", true);
        if (!STATUSES.contains(status)) throw new ProtocolViolation("result " + id + " has unknown status '" + status + "'");
        JsonNode changed = node.get("changed");
        if (changed != null && !changed.isBoolean()) throw new ProtocolViolation("result field 'changed' must be a boolean");
        Number rc = integer(node, "rc", false);
        Number duration = integer(node, "duration_ms", false);
        AgentError error = null;
        JsonNode errorNode = node.get("error");
        if (errorNode != null && !errorNode.isNull()) {
            if (!errorNode.isObject()) throw new ProtocolViolation("result field 'error' must be an object");
            for (Iterator<String> it = errorNode.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!ERROR_FIELDS.contains(field)) throw new ProtocolViolation("unknown error field '" + field + "'");
            }
            error = new AgentError(string(errorNode, "step", true), string(errorNode, "code", true),
                    string(errorNode, "message", false), map(errorNode, "detail"));
        }
        return new AgentResult("result", id, status, changed != null && changed.asBoolean(),
                rc == null ? null : rc.intValue(), string(node, "stdout", false), string(node, "stderr", false),
                string(node, "msg", false), map(node, "diff"), map(node, "data"), error,
                duration == null ? 0 : duration.longValue());
    }

    /** Just the id of a line, if it has one: to tell which request a malformed result was meant for. */
    Long idOf(String line) {
        try {
            JsonNode id = json.readTree(line).get("id");
            return id != null && id.canConvertToLong() ? id.asLong() : null;
        } catch (JsonProcessingException | RuntimeException e) {
            return null;
        }
    }

    private JsonNode object(String line) throws ProtocolViolation {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw new ProtocolViolation("not JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) throw new ProtocolViolation("not a JSON object");
        return node;
    }

    private static String string(JsonNode node, String field, boolean required) throws ProtocolViolation {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new ProtocolViolation("field '" + field + "' is missing");
            return null;
        }
        if (!v.isTextual()) throw new ProtocolViolation("field '" + field + "' must be a string");
        return v.asText();
    }

    private static Number integer(JsonNode node, String field, boolean required) throws ProtocolViolation {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) throw new ProtocolViolation("field '" + field + "' is missing");
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new ProtocolViolation("field '" + field + "' must be an integer");
        }
        return v.asLong();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(JsonNode node, String field) throws ProtocolViolation {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isObject()) throw new ProtocolViolation("field '" + field + "' must be an object");
        return json.convertValue(v, LinkedHashMap.class);
    }
}

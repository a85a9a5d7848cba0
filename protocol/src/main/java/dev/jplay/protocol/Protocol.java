package dev.jplay.protocol;

/**
 * The controller↔agent wire protocol: one JSON object per line over the agent's stdin/stdout.
 *
 * <pre>
 * agent → controller, once:   {"type":"hello","protocol":1,"agent":"&lt;sha256 of the jar&gt;","java":"17.0.15","pid":123,"uid":0}
 * controller → agent:         {"type":"run","id":7,"module":"copy","args":{...},"check":false,"diff":false,"timeout_ms":30000}
 * agent → controller:         {"type":"result","id":7, ...fields of {@link AgentResult}...}
 * controller → agent:         {"type":"bye"}   (or just closes stdin: the agent exits on EOF)
 * </pre>
 *
 * Requests may be pipelined; results carry the request id and may arrive in any order. {@link AgentCodec} writes and
 * reads every message, on both ends; a failed result's {@code error} is a {@link Failure}.
 */
public final class Protocol {
    public static final int VERSION = 1;
    /** Upper bound for one line from the agent; anything longer is a protocol error on the controller. */
    public static final int MAX_LINE_BYTES = 8 * 1024 * 1024;
    /** stdout/stderr kept per result; the rest is cut and flagged as truncated. */
    public static final int MAX_OUTPUT_CHARS = 64 * 1024;
    /**
     * Upper bound for one request line to the agent (copy carries file content in it). A longer line is
     * answered with a BAD_REQUEST error and skipped; the stream stays usable.
     */
    public static final int MAX_REQUEST_LINE_BYTES = 64 * 1024 * 1024;

    private Protocol() {}
}

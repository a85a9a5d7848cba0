package dev.jplay.engine.connection;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages jplay exchanges with an ssh-agent (draft-miller-ssh-agent): list identities and sign. Every message
 * is a uint32 length, a type byte and its fields (uint32, or string = uint32 length + bytes). Pure codec, no I/O.
 */
final class SshAgentProtocol {
    static final int FAILURE = 5;
    static final int REQUEST_IDENTITIES = 11;
    static final int IDENTITIES_ANSWER = 12;
    static final int SIGN_REQUEST = 13;
    static final int SIGN_RESPONSE = 14;
    /** Sign flags: which hash an RSA signature uses (ssh-rsa's SHA-1 otherwise, which servers refuse). */
    static final int RSA_SHA2_256 = 2;
    static final int RSA_SHA2_512 = 4;
    /** OpenSSH's own limit on an agent message; a longer length prefix means a broken or hostile peer. */
    static final int MAX_MESSAGE = 256 * 1024;

    private SshAgentProtocol() {}

    /** A key the agent holds: its public key blob (whose first string is the key type) and comment. */
    record Identity(byte[] blob, String comment) {
        String keyType() {
            try {
                return new String(readString(ByteBuffer.wrap(blob)), StandardCharsets.UTF_8);
            } catch (AgentProtocolException e) {
                return "unknown";
            }
        }
    }

    static byte[] requestIdentities() {
        return frame(REQUEST_IDENTITIES, new byte[0]);
    }

    static byte[] signRequest(byte[] keyBlob, byte[] data, int flags) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        putString(body, keyBlob);
        putString(body, data);
        putInt(body, flags);
        return frame(SIGN_REQUEST, body.toByteArray());
    }

    /** The identities in an IDENTITIES_ANSWER body (the message after its length prefix). */
    static List<Identity> parseIdentities(byte[] message) throws AgentProtocolException {
        ByteBuffer b = ByteBuffer.wrap(message);
        expectType(b, IDENTITIES_ANSWER, "identities");
        int n = readInt(b);
        if (n < 0 || n > MAX_MESSAGE / 8) throw new AgentProtocolException("implausible identity count " + n);
        List<Identity> ids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] blob = readString(b);
            String comment = new String(readString(b), StandardCharsets.UTF_8);
            ids.add(new Identity(blob, comment));
        }
        return ids;
    }

    /** The signature blob (string algorithm + string signature, as SSH wants it) in a SIGN_RESPONSE body. */
    static byte[] parseSignature(byte[] message) throws AgentProtocolException {
        ByteBuffer b = ByteBuffer.wrap(message);
        expectType(b, SIGN_RESPONSE, "signature");
        return readString(b);
    }

    /** The body length announced by a message's 4-byte prefix, checked against {@link #MAX_MESSAGE}. */
    static int length(byte[] prefix) throws AgentProtocolException {
        int n = ByteBuffer.wrap(prefix).getInt();
        if (n < 1 || n > MAX_MESSAGE) throw new AgentProtocolException("message length " + Integer.toUnsignedString(n)
                + " out of range (1.." + MAX_MESSAGE + ")");
        return n;
    }

    private static void expectType(ByteBuffer b, int expected, String what) throws AgentProtocolException {
        if (!b.hasRemaining()) throw new AgentProtocolException("empty answer");
        int type = b.get() & 0xff;
        if (type == FAILURE) throw new AgentProtocolException("the agent refused to give a " + what + " (SSH_AGENT_FAILURE)");
        if (type != expected) throw new AgentProtocolException("expected message " + expected + ", got " + type);
    }

    private static int readInt(ByteBuffer b) throws AgentProtocolException {
        try {
            return b.getInt();
        } catch (BufferUnderflowException e) {
            throw new AgentProtocolException("message ends inside a uint32");
        }
    }

    static byte[] readString(ByteBuffer b) throws AgentProtocolException {
        int n = readInt(b);
        if (n < 0 || n > b.remaining()) throw new AgentProtocolException("string of " + Integer.toUnsignedString(n)
                + " bytes, but only " + b.remaining() + " left");
        byte[] s = new byte[n];
        b.get(s);
        return s;
    }

    private static byte[] frame(int type, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(5 + body.length);
        putInt(out, body.length + 1);
        out.write(type);
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void putString(ByteArrayOutputStream out, byte[] s) {
        putInt(out, s.length);
        out.writeBytes(s);
    }

    private static void putInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    static final class AgentProtocolException extends Exception {
        AgentProtocolException(String message) {
            super(message);
        }
    }
}

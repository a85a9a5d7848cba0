package dev.jplay.engine.connection;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A client of an ssh-agent on its Unix domain socket ({@code SSH_AUTH_SOCK}): lists the keys it holds and has it
 * sign, so private keys never enter this process. One short connection per request; every wait has a deadline.
 */
final class SshAgentSocket {
    private final Path socket;
    private final Duration timeout;

    SshAgentSocket(Path socket, Duration timeout) {
        this.socket = socket;
        this.timeout = timeout;
    }

    Path path() {
        return socket;
    }

    List<SshAgentProtocol.Identity> identities() throws IOException {
        byte[] answer = exchange(SshAgentProtocol.requestIdentities());
        try {
            return SshAgentProtocol.parseIdentities(answer);
        } catch (SshAgentProtocol.AgentProtocolException e) {
            throw new IOException("ssh-agent at " + socket + ": " + e.getMessage(), e);
        }
    }

    byte[] sign(byte[] keyBlob, byte[] data, int flags) throws IOException {
        byte[] answer = exchange(SshAgentProtocol.signRequest(keyBlob, data, flags));
        try {
            return SshAgentProtocol.parseSignature(answer);
        } catch (SshAgentProtocol.AgentProtocolException e) {
            throw new IOException("ssh-agent at " + socket + ": " + e.getMessage(), e);
        }
    }

    /** Sends one request and returns the answer's body (type byte first). */
    private byte[] exchange(byte[] request) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket)); // local: refused or accepted at once
            ch.configureBlocking(false);
            try (Selector selector = Selector.open()) {
                ByteBuffer out = ByteBuffer.wrap(request);
                ch.register(selector, SelectionKey.OP_WRITE);
                while (out.hasRemaining()) {
                    await(selector, deadline);
                    ch.write(out);
                }
                ch.keyFor(selector).interestOps(SelectionKey.OP_READ);
                ByteBuffer prefix = ByteBuffer.allocate(4);
                fill(ch, selector, prefix, deadline);
                int length;
                try {
                    length = SshAgentProtocol.length(prefix.array());
                } catch (SshAgentProtocol.AgentProtocolException e) {
                    throw new IOException("ssh-agent at " + socket + ": " + e.getMessage(), e);
                }
                ByteBuffer body = ByteBuffer.allocate(length);
                fill(ch, selector, body, deadline);
                return body.array();
            }
        }
    }

    private void fill(SocketChannel ch, Selector selector, ByteBuffer buf, long deadline) throws IOException {
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) throw new IOException("ssh-agent at " + socket + " closed the connection mid-answer");
            if (buf.hasRemaining()) await(selector, deadline);
        }
    }

    private void await(Selector selector, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0 || selector.select(Math.max(1, left / 1_000_000)) == 0 && System.nanoTime() >= deadline) {
            throw new IOException("ssh-agent at " + socket + " did not answer within " + timeout.toMillis() + " ms");
        }
        selector.selectedKeys().clear();
    }
}

package dev.jplay.engine.connection;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PublicKey;
import net.schmizz.sshj.transport.verification.OpenSSHKnownHosts;

/**
 * Host-key checks against known_hosts (plain and hashed entries, via sshj), with OpenSSH's accept-new
 * behaviour as an option. Remembers why it refused, so the connection error can say so.
 */
final class KnownHostsVerifier extends OpenSSHKnownHosts {

    enum Refusal { NONE, UNKNOWN, MISMATCH }

    private final Path path;
    private final HostKeyPolicy policy;
    private final String entryHost;
    private volatile Refusal refusal = Refusal.NONE;
    private volatile String offeredFingerprint;
    private volatile boolean recorded;

    KnownHostsVerifier(Path path, HostKeyPolicy policy, String address, int port) throws IOException {
        super(path.toFile());
        this.path = path;
        this.policy = policy;
        this.entryHost = KnownHostsFile.hostPattern(address, port);
    }

    @Override
    protected boolean hostKeyUnverifiableAction(String hostname, PublicKey key) {
        offeredFingerprint = KnownHostsFile.fingerprint(key);
        if (policy != HostKeyPolicy.ACCEPT_NEW) {
            refusal = Refusal.UNKNOWN;
            return false;
        }
        try {
            KnownHostsFile.append(path, KnownHostsFile.entry(entryHost, key));
            recorded = true;
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the host key of " + entryHost + " in " + path, e);
        }
    }

    @Override
    protected boolean hostKeyChangedAction(String hostname, PublicKey key) {
        offeredFingerprint = KnownHostsFile.fingerprint(key);
        refusal = Refusal.MISMATCH;
        return false;
    }

    Refusal refusal() { return refusal; }

    String offeredFingerprint() { return offeredFingerprint; }

    /** True when this connection added the host's key to known_hosts (ACCEPT_NEW). */
    boolean recorded() { return recorded; }

    Path path() { return path; }
}

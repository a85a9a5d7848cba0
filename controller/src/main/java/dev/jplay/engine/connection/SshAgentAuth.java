package dev.jplay.engine.connection;

import com.hierynomus.sshj.key.KeyAlgorithm;
import java.io.IOException;
import java.util.List;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.common.KeyType;
import net.schmizz.sshj.common.Message;
import net.schmizz.sshj.common.SSHPacket;
import net.schmizz.sshj.transport.TransportException;
import net.schmizz.sshj.userauth.UserAuthException;
import net.schmizz.sshj.userauth.method.AbstractAuthMethod;

/**
 * sshj's "publickey" authentication with a key held by an ssh-agent: the public key goes out as a query; when the
 * server accepts it (SSH_MSG_USERAUTH_PK_OK), the agent signs the session id and request, and the signed request
 * follows. sshj's own publickey method needs the private key in this process, which an agent never hands out.
 */
final class SshAgentAuth extends AbstractAuthMethod {
    private final SshAgentSocket agent;
    private final SshAgentProtocol.Identity identity;

    SshAgentAuth(SshAgentSocket agent, SshAgentProtocol.Identity identity) {
        super("publickey");
        this.agent = agent;
        this.identity = identity;
    }

    @Override
    protected SSHPacket buildReq() throws UserAuthException {
        return request(false);
    }

    @Override
    public void handle(Message cmd, SSHPacket buf) throws UserAuthException, TransportException {
        if (cmd != Message.USERAUTH_60) {
            super.handle(cmd, buf);
            return;
        }
        SSHPacket signed = request(true);
        byte[] data = new Buffer.PlainBuffer().putString(params.getTransport().getSessionID()).putBuffer(signed).getCompactData();
        byte[] signature;
        try {
            signature = agent.sign(identity.blob(), data, flags(algorithm()));
        } catch (IOException e) {
            throw new UserAuthException("ssh-agent could not sign with key " + identity.comment() + ": " + e.getMessage(), e);
        }
        params.getTransport().write(signed.putString(signature));
    }

    private SSHPacket request(boolean signed) throws UserAuthException {
        return super.buildReq().putBoolean(signed).putString(algorithm()).putString(identity.blob());
    }

    /** The signature algorithm: the key type, except RSA, which uses the SHA-2 variant the server offers. */
    private String algorithm() throws UserAuthException {
        String type = identity.keyType();
        if (!type.equals(KeyType.RSA.toString())) return type;
        try {
            List<KeyAlgorithm> offered = params.getTransport().getClientKeyAlgorithms(KeyType.RSA);
            return offered.isEmpty() ? "rsa-sha2-512" : offered.get(0).getKeyAlgorithm();
        } catch (TransportException e) {
            throw new UserAuthException("cannot choose an RSA signature algorithm: " + e.getMessage(), e);
        }
    }

    static int flags(String algorithm) {
        return switch (algorithm) {
            case "rsa-sha2-256" -> SshAgentProtocol.RSA_SHA2_256;
            case "rsa-sha2-512" -> SshAgentProtocol.RSA_SHA2_512;
            default -> 0;
        };
    }

    @Override
    public String toString() {
        return "ssh-agent key " + identity.keyType() + " " + identity.comment();
    }
}

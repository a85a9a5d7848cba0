package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class SshAgentProtocolTest {
    @Test
    void requestsAreFramedAsTheDraftSays() {
        assertEquals("000000010b", HexFormat.of().formatHex(SshAgentProtocol.requestIdentities()));
        byte[] sign = SshAgentProtocol.signRequest(new byte[] {1, 2}, new byte[] {9}, SshAgentProtocol.RSA_SHA2_512);
        // length 16 = type + string(2) + string(1) + uint32 flags
        assertEquals("00000010" + "0d" + "00000002" + "0102" + "00000001" + "09" + "00000004", HexFormat.of().formatHex(sign));
    }

    @Test
    void identitiesAnswerIsParsed() throws Exception {
        byte[] blob = concat(string("ssh-ed25519".getBytes(StandardCharsets.US_ASCII)), string(new byte[32]));
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.write(SshAgentProtocol.IDENTITIES_ANSWER);
        m.writeBytes(uint32(1));
        m.writeBytes(string(blob));
        m.writeBytes(string("me@laptop".getBytes(StandardCharsets.UTF_8)));
        List<SshAgentProtocol.Identity> ids = SshAgentProtocol.parseIdentities(m.toByteArray());
        assertEquals(1, ids.size());
        assertArrayEquals(blob, ids.get(0).blob());
        assertEquals("me@laptop", ids.get(0).comment());
        assertEquals("ssh-ed25519", ids.get(0).keyType());
    }

    @Test
    void signResponseGivesTheSignatureBlobAndFailureIsNamed() throws Exception {
        byte[] sig = concat(string("ssh-ed25519".getBytes(StandardCharsets.US_ASCII)), string(new byte[64]));
        byte[] answer = concat(new byte[] {SshAgentProtocol.SIGN_RESPONSE}, string(sig));
        assertArrayEquals(sig, SshAgentProtocol.parseSignature(answer));
        SshAgentProtocol.AgentProtocolException refused = assertThrows(SshAgentProtocol.AgentProtocolException.class,
                () -> SshAgentProtocol.parseSignature(new byte[] {SshAgentProtocol.FAILURE}));
        assertTrue(refused.getMessage().contains("SSH_AGENT_FAILURE"), refused.getMessage());
    }

    @Test
    void truncatedOrOversizedMessagesAreRefused() {
        byte[] cut = concat(new byte[] {SshAgentProtocol.IDENTITIES_ANSWER}, uint32(1), uint32(100), new byte[3]);
        assertThrows(SshAgentProtocol.AgentProtocolException.class, () -> SshAgentProtocol.parseIdentities(cut));
        assertThrows(SshAgentProtocol.AgentProtocolException.class, () -> SshAgentProtocol.length(uint32(SshAgentProtocol.MAX_MESSAGE + 1)));
        assertThrows(SshAgentProtocol.AgentProtocolException.class, () -> SshAgentProtocol.length(uint32(0)));
        assertThrows(SshAgentProtocol.AgentProtocolException.class,
                () -> SshAgentProtocol.parseIdentities(concat(new byte[] {SshAgentProtocol.IDENTITIES_ANSWER}, uint32(-1))));
    }

    @Test
    void rsaSignaturesAskForSha2() {
        assertEquals(SshAgentProtocol.RSA_SHA2_512, SshAgentAuth.flags("rsa-sha2-512"));
        assertEquals(SshAgentProtocol.RSA_SHA2_256, SshAgentAuth.flags("rsa-sha2-256"));
        assertEquals(0, SshAgentAuth.flags("ssh-ed25519"));
    }

    private static byte[] uint32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    private static byte[] string(byte[] s) {
        return concat(uint32(s.length), s);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }
}

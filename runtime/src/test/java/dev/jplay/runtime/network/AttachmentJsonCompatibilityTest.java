package dev.jplay.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jplay.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attachment records and CNI configurations against files the jackson-databind code wrote before the agent dropped
 * databind (commit fc4f33b); the files under {@code json-compat/} came from that OLD code, not from the code under test.
 */
class AttachmentJsonCompatibilityTest {
    static final NetworkAttachment V4 = NetworkAttachment.of("10.88.0.23", 24, "10.88.0.1");
    static final NetworkAttachment V6 = new NetworkAttachment("br-x", "10.1.2.3", 16, "10.1.0.1", "fd00:88::23/64", "fd00:88::1", 9000);
    static final NetworkAttachment V6_NO_GATEWAY = new NetworkAttachment("br-x", "10.1.2.3", 16, "10.1.0.1", "fd00:88::23/64", null, null);

    @TempDir Path tmp;
    private final CniConfigs configs = new CniConfigs();

    static String resource(String name) throws IOException {
        try (InputStream in = AttachmentJsonCompatibilityTest.class.getResourceAsStream("/json-compat/" + name)) {
            if (in == null) throw new IOException("missing test resource json-compat/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void recordsWrittenBeforeAreReadAndWrittenBackUnchanged() throws IOException {
        Path old = Files.createDirectories(tmp.resolve("old"));
        for (String name : new String[] {"web", "db"}) Files.writeString(old.resolve(name + ".json"), resource("attachment-" + name + ".json"));
        AttachmentStore before = new AttachmentStore(old);
        AttachmentRecord web = before.read("web").orElseThrow();
        assertEquals(V6, web.attachment());
        assertEquals("jplay-web", web.cniContainerId());
        assertEquals(12345678901234L, web.bridgeResult().get("big")); // large values keep their precision
        assertEquals(new CniResult("eth0", "aa:bb:cc:dd:ee:03", java.util.List.of("10.1.2.3/16", "fd00:88::23/64"), "veth1234"),
                CniResult.parse(web.bridgeResult(), web.interfaceName(), web.attachment().bridge()));
        assertEquals(V4, before.read("db").orElseThrow().attachment());

        AttachmentStore after = new AttachmentStore(tmp.resolve("new"));
        for (AttachmentRecord r : before.all()) after.write(r);
        for (String name : new String[] {"web", "db"}) {
            assertEquals(resource("attachment-" + name + ".json"), Files.readString(after.file(name)), name);
        }
    }

    /**
     * The bridge configurations sent before, with one deliberate change since: {@code hairpinMode} is on, so that an
     * instance calling a fleet service can be sent back to itself (see {@link CniConfigs}). The bridge plugin's DEL and
     * CHECK of an attachment added without it do not look at hairpin mode.
     */
    static String bridgeSentBefore(String name) throws IOException {
        String old = resource(name);
        if (!old.contains("\"hairpinMode\":false")) throw new IOException(name + " has no hairpinMode:false to turn on");
        return old.replace("\"hairpinMode\":false", "\"hairpinMode\":true");
    }

    @Test
    void pluginConfigurationsAreTheOnesSentBefore() throws IOException {
        assertEquals(bridgeSentBefore("cni-v4.json"), Json.writeString(configs.bridge(V4)));
        assertEquals(bridgeSentBefore("cni-v6.json"), Json.writeString(configs.bridge(V6)));
        assertEquals(bridgeSentBefore("cni-v6nogw.json"), Json.writeString(configs.bridge(V6_NO_GATEWAY)));
        assertEquals(resource("cni-lo.json"), Json.writeString(configs.loopback()));
        Map<String, Object> result = Json.object(Json.parseObject(resource("attachment-web.json").getBytes(StandardCharsets.UTF_8)),
                "bridge_result");
        assertEquals(bridgeSentBefore("cni-check.json"), Json.writeString(configs.withPrevResult(configs.bridge(V6), result)));
    }
}

package dev.jplay.modules.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.MediaTypes;
import dev.jplay.runtime.store.ContentStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageRelayModuleTest {
    @TempDir Path dir;
    private final java.util.concurrent.ConcurrentMap<String, Object> agentState = new ConcurrentHashMap<>();

    private ModuleResult run(Map<String, Object> args) throws ModuleException {
        Path state = dir.resolve("state");
        return new ImageRelayModule().run(new ModuleArgs("image_relay", args),
                new ModuleContext(false, false, null, Map.of(), state, agentState));
    }

    private Path stage(String name, byte[] bytes) throws Exception {
        Path staged = dir.resolve(name);
        Files.write(staged, bytes);
        return staged;
    }

    private Map<String, Object> ingest(Path staged, Digest digest, long size) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("action", "ingest");
        args.put("path", staged.toString());
        args.put("digest", digest.toString());
        args.put("size", size);
        return args;
    }

    @Test
    void aBlobWhoseBytesMatchItsDigestIsStoredAndItsStagedFileRemoved() throws Exception {
        byte[] blob = "layer bytes".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.of(blob);
        Path staged = stage("good", blob);
        ModuleResult r = run(ingest(staged, digest, blob.length));
        assertTrue(r.isChanged());
        assertFalse(Files.exists(staged));
        assertTrue(new ContentStore(dir.resolve("state/images")).has(digest));
        ModuleResult again = run(ingest(stage("good2", blob), digest, blob.length));
        assertFalse(again.isChanged(), "a present blob is not written again");
    }

    @Test
    void wrongBytesAreRefusedAndNothingIsKept() throws Exception {
        byte[] blob = "the real layer".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.of(blob);
        byte[] forged = "the fake layer".getBytes(StandardCharsets.UTF_8); // same length, other bytes
        Path staged = stage("bad", forged);
        ModuleException e = assertThrows(ModuleException.class, () -> run(ingest(staged, digest, forged.length)));
        assertEquals(Step.VERIFY, e.step());
        assertEquals("DIGEST_MISMATCH", e.code());
        assertFalse(Files.exists(staged), "the staged file is removed");
        assertFalse(new ContentStore(dir.resolve("state/images")).has(digest));
        assertFalse(Files.list(dir.resolve("state/images/ingest")).anyMatch(p -> p.toString().endsWith(".partial")),
                "no partial ingest of wrong bytes stays");
    }

    @Test
    void aBlobLongerThanTheManifestSaysIsRefused() throws Exception {
        byte[] blob = "0123456789".getBytes(StandardCharsets.UTF_8);
        ModuleException e = assertThrows(ModuleException.class, () -> run(ingest(stage("long", blob), Digest.of(blob), 4)));
        assertEquals("SIZE_MISMATCH", e.code());
    }

    @Test
    void missingListsOnlyAbsentBlobs() throws Exception {
        byte[] blob = "x".getBytes(StandardCharsets.UTF_8);
        Digest present = Digest.of(blob);
        run(ingest(stage("x", blob), present, 1));
        Digest absent = Digest.of("y".getBytes(StandardCharsets.UTF_8));
        ModuleResult r = run(Map.of("action", "missing", "digests", List.of(present.toString(), absent.toString())));
        assertEquals(List.of(absent.toString()), r.data().get("missing"));
    }

    @Test
    void recordNeedsEveryBlobThenRecordsTheReferenceWithoutARegistry() throws Exception {
        byte[] layer = new byte[1024]; // an empty tar: two zero blocks
        Digest layerDigest = Digest.of(layer);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + layerDigest + "\"]}}").getBytes(StandardCharsets.UTF_8);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{\"mediaType\":\""
                + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + Digest.of(config) + "\",\"size\":" + config.length
                + "},\"layers\":[{\"mediaType\":\"" + MediaTypes.OCI_LAYER + "\",\"digest\":\"" + layerDigest + "\",\"size\":1024}]}")
                .getBytes(StandardCharsets.UTF_8);
        Digest manifestDigest = Digest.of(manifest);
        // The registry's address is unroutable on purpose: a record that asked it would fail, not pass.
        Map<String, Object> record = Map.of("action", "record", "name", "192.0.2.1:5000/app:v1", "digest", manifestDigest.toString(),
                "unpack", false);
        run(ingest(stage("m", manifest), manifestDigest, manifest.length));
        run(ingest(stage("c", config), Digest.of(config), config.length));
        ModuleException incomplete = assertThrows(ModuleException.class, () -> run(record));
        assertEquals("RELAY_INCOMPLETE", incomplete.code());
        run(ingest(stage("l", layer), layerDigest, layer.length));
        run(record);
        assertEquals(manifestDigest.toString(), ImageRelayModule.relayedDigest(agentState,
                dev.jplay.runtime.image.ImageReference.parse("192.0.2.1:5000/app:v1")));
        assertTrue(Files.readString(dir.resolve("state/images/images.json")).contains(manifestDigest.toString()));
    }

    @Test
    void aPinnedReferenceAcceptsOnlyItsOwnManifest() {
        Digest pinned = Digest.of("a".getBytes(StandardCharsets.UTF_8));
        Digest other = Digest.of("b".getBytes(StandardCharsets.UTF_8));
        ModuleException e = assertThrows(ModuleException.class, () -> run(Map.of("action", "record", "name",
                "registry.test/app@" + pinned, "digest", other.toString())));
        assertEquals(Step.VERIFY, e.step());
        assertEquals("DIGEST_MISMATCH", e.code());
    }
}

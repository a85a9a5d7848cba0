package dev.jplay.modules.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.fetch.LayerUnpackException;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.launch.LaunchException;
import dev.jplay.runtime.registry.PullException;
import dev.jplay.runtime.registry.PulledLayer;
import dev.jplay.runtime.snapshot.LayerDigestMismatchException;
import dev.jplay.runtime.unpack.UnpackException;
import dev.jplay.runtime.unpack.UnpackLimitException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class FailuresTest {
    static final ImageReference REF = ImageReference.parse("reg.example:5000/app/web:1");
    static final Digest BLOB = Digest.of("blob".getBytes(StandardCharsets.UTF_8));
    static final Digest DIFF = Digest.of("tar".getBytes(StandardCharsets.UTF_8));

    @Test
    void missingManifestIsLocatedAtManifestWithStatusAndUrl() {
        String url = "http://reg.example:5000/v2/app/web/manifests/1";
        ModuleException m = Failures.pull(REF, PullException.builder(Step.RESOLVE, PullException.NOT_FOUND, "not found: MANIFEST_UNKNOWN")
                .url(url).httpStatus(404).build());
        assertEquals("manifest", m.step().id());
        assertEquals("NOT_FOUND", m.code());
        assertEquals(404, m.detailMap().get("http_status"));
        assertEquals(url, m.detailMap().get("url"));
        assertEquals("reg.example:5000", m.detailMap().get("registry"));
        assertTrue(m.getMessage().contains(REF.toString()), m::getMessage);
    }

    @Test
    void otherPullFailuresKeepTheirStepCodeAndDigest() {
        ModuleException down = Failures.pull(REF, PullException.builder(Step.RESOLVE, PullException.CONNECTION, "HEAD failed").build());
        assertEquals("resolve", down.step().id());
        assertEquals("CONNECTION", down.code());
        ModuleException bad = Failures.pull(REF, PullException.builder(Step.VERIFY, PullException.DIGEST_MISMATCH, "blob has another digest")
                .digest(BLOB).build());
        assertEquals("verify", bad.step().id());
        assertEquals(BLOB.toString(), bad.detailMap().get("digest"));
        ModuleException auth = Failures.pull(REF, PullException.builder(Step.AUTH, PullException.UNAUTHORIZED, "denied").httpStatus(401).build());
        assertEquals("auth", auth.step().id());
        assertEquals(401, auth.detailMap().get("http_status"));
    }

    @Test
    void layerUnpackFailuresNameTheLayer() {
        PulledLayer layer = new PulledLayer(1, BLOB, 10, "application/vnd.oci.image.layer.v1.tar+gzip", DIFF, Path.of("/x"));
        ModuleException mismatch = Failures.unpack(REF, new LayerUnpackException(layer,
                new LayerDigestMismatchException(DIFF.toString(), "sha256:" + "0".repeat(64))));
        assertEquals("verify", mismatch.step().id());
        assertEquals("DIFF_ID_MISMATCH", mismatch.code());
        assertEquals(BLOB.toString(), mismatch.detailMap().get("digest"));
        assertEquals(DIFF.toString(), mismatch.detailMap().get("diff_id"));

        ModuleException unpack = Failures.unpack(REF, new LayerUnpackException(layer,
                new UnpackException("entry 'etc/../../x' escapes the layer")));
        assertEquals("unpack", unpack.step().id());
        assertEquals("UNPACK_FAILED", unpack.code());
        assertTrue(unpack.getMessage().contains("etc/../../x"), unpack::getMessage);
    }

    @Test
    void layerThatHitAGrowthBoundSaysWhichBoundHowFarItGotAndWhatToChange() {
        PulledLayer layer = new PulledLayer(0, BLOB, 20 << 20, "application/vnd.oci.image.layer.v1.tar+gzip", DIFF, Path.of("/x"));
        ModuleException ratio = Failures.unpack(REF, new LayerUnpackException(layer, new IOException(
                "unpacking layer failed", new UnpackLimitException(UnpackLimitException.EXPANSION, "layer expands more than 100 times",
                1_100_000_000L))));
        assertEquals("unpack", ratio.step().id());
        assertEquals("UNPACK_EXPANSION_LIMIT", ratio.code());
        assertEquals(1_100_000_000L, ratio.detailMap().get("bytes_written"));
        assertEquals(BLOB.toString(), ratio.detailMap().get("digest"));
        assertTrue(ratio.getMessage().contains("unpack_max_ratio"), ratio::getMessage);

        ModuleException disk = Failures.unpack(REF, layer, new UnpackLimitException(UnpackLimitException.DISK_RESERVE,
                "below its free-space reserve", 33_554_432L));
        assertEquals("UNPACK_DISK_RESERVE", disk.code());
        assertEquals(33_554_432L, disk.detailMap().get("bytes_written"));
        assertTrue(disk.getMessage().contains("unpack_min_free"), disk::getMessage);

        ModuleException entries = Failures.unpack(REF, layer, new UnpackLimitException("layer has more than 1000000 entries"));
        assertEquals("UNPACK_LIMIT", entries.code());
        assertFalse(entries.detailMap().containsKey("bytes_written"), "unknown, so not reported");
    }

    @Test
    void launchFailuresCarryRuntimeExitCodeAndStderr() {
        ModuleException start = Failures.launch(new LaunchException(Step.START, "RUNTIME_FAILED", "runc could not start")
                .runtimeExitCode(1).stderrTail("exec: \"nope\": executable file not found in $PATH").bundle(Path.of("/state/containers/web")));
        assertEquals("start", start.step().id());
        assertEquals("RUNTIME_FAILED", start.code());
        assertEquals(1, start.detailMap().get("runtime_exit_code"));
        assertTrue(String.valueOf(start.detailMap().get("stderr")).contains("executable file not found"));
        assertEquals("/state/containers/web", start.detailMap().get("bundle"));
        assertEquals("args", Failures.launch(new LaunchException(Step.ARGS, "BAD_CPUS", "cpus")).step().id());
    }
}

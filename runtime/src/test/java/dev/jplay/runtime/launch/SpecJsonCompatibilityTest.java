package dev.jplay.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jplay.protocol.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the container files to what the jackson-databind code wrote before the agent dropped databind (commit
 * fc4f33b): every value asserted here, the hashes below and the files under {@code json-compat/}, was produced
 * by that OLD code for the specs of {@link JsonCompatFixtures}, not by the code under test. A changed spec hash would
 * recreate every container after an upgrade; a changed config.json would change what runc runs.
 */
class SpecJsonCompatibilityTest {
    /** spec_hash of minimal(), full(), edge() as the databind code computed them. */
    static final List<String> OLD_HASHES = List.of(
            "sha256:da4880551eb44e59443cca1d1e5ca877dbe35d49fb54971f74cdcd030be34102",
            "sha256:0e34866d9bff789e3f7773b8784baa50f79558fb93b87f0262b1c431339ada42",
            "sha256:b658b45843a01268366d4db5e7b49ec97b18ebd737dafa616b3199ccf98f35b3");

    @TempDir Path tmp;

    static List<ContainerSpec> specs() {
        return List.of(JsonCompatFixtures.minimal(), JsonCompatFixtures.full(), JsonCompatFixtures.edge());
    }

    static SpecRecord record(ContainerSpec spec) {
        return new SpecRecord(spec, JsonCompatFixtures.DIGEST, JsonCompatFixtures.ROOTFS.toString());
    }

    static String resource(String name) throws IOException {
        try (InputStream in = SpecJsonCompatibilityTest.class.getResourceAsStream("/json-compat/" + name)) {
            if (in == null) throw new IOException("missing test resource json-compat/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void specHashIsTheOneTheDatabindCodeComputed() throws IOException {
        for (int i = 0; i < 3; i++) {
            SpecRecord record = record(specs().get(i));
            assertEquals(resource("canonical-spec" + i + ".json"), Json.writeString(record.toJson()), "canonical form " + i);
            assertEquals(OLD_HASHES.get(i), record.hash(), "spec " + i);
        }
    }

    @Test
    void specJsonIsWrittenAsBeforeAndOldFilesReadBackToTheSameHash() throws IOException {
        for (int i = 0; i < 3; i++) {
            SpecRecord record = record(specs().get(i));
            assertEquals(resource("spec" + i + ".json"), record.write(), "spec.json " + i);
            Path old = Files.writeString(tmp.resolve("spec" + i + ".json"), resource("spec" + i + ".json"));
            SpecRecord read = SpecRecord.read(old);
            assertEquals(record, read);
            assertEquals(OLD_HASHES.get(i), read.hash());
            assertEquals(new SpecRecord.Summary(JsonCompatFixtures.DIGEST, OLD_HASHES.get(i)), SpecRecord.summary(old));
        }
    }

    @Test
    void aSpecRecordedBeforeLogsWereCappedDiffersFromTodaysSoTheUpgradeRecreatesItOnce() {
        SpecRecord before = record(JsonCompatFixtures.minimal());
        SpecRecord today = record(ContainerSpec.builder("web").build());
        assertEquals(LogConfig.DEFAULT, today.spec().log());
        org.junit.jupiter.api.Assertions.assertNotEquals(before.hash(), today.hash());
        org.junit.jupiter.api.Assertions.assertTrue(String.join("\n", before.diff(today)).contains("log"), before.diff(today).toString());
    }

    @Test
    void diffLinesAreTheOnesTheDatabindCodeWrote() throws IOException {
        SpecRecord a = new SpecRecord(JsonCompatFixtures.minimal(), JsonCompatFixtures.DIGEST, "/a");
        SpecRecord b = new SpecRecord(JsonCompatFixtures.full(), "sha256:" + "cd".repeat(32), "/b");
        SpecRecord c = new SpecRecord(JsonCompatFixtures.edge(), JsonCompatFixtures.DIGEST, "/a");
        assertEquals(resource("diff-ab.txt"), String.join("\n", a.diff(b)));
        assertEquals(resource("diff-ba.txt"), String.join("\n", b.diff(a)));
        assertEquals(resource("diff-bc.txt"), String.join("\n", b.diff(c)));
    }

    @Test
    void ociConfigJsonIsByteForByteTheOneTheDatabindCodeWrote() throws IOException {
        Path rootfs = tmp.resolve("rootfs");
        JsonCompatFixtures.etcFiles(rootfs);
        OciConfigGenerator generator = new OciConfigGenerator(1_048_576);
        for (int i = 0; i < 3; i++) {
            String written = new String(Json.writePretty(generator.generate(specs().get(i), JsonCompatFixtures.IMAGE, rootfs)),
                    StandardCharsets.UTF_8);
            assertEquals(resource("config" + i + ".json"), written.replace("\"" + rootfs + "\"", "\"@ROOTFS@\""), "config " + i);
        }
    }
}

package dev.jplay.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Revisions are files only (spec.json and its kept copy): no runc needed. */
class ContainerRevisionsTest {
    @TempDir Path state;

    /** Writes what a created bundle's spec.json would hold, as ContainerBundles does last. */
    private SpecRecord create(String name, String imageDigest, String color) throws IOException {
        ContainerSpec spec = ContainerSpec.builder(name).command("sleep", "1000").env("COLOR", color).build();
        SpecRecord record = SpecRecord.of(spec, new ContainerImage(imageDigest, ImageConfig.EMPTY, state.resolve("rootfs-" + name)));
        ContainerFiles files = ContainerFiles.of(state.resolve("containers"), name);
        Files.createDirectories(files.dir());
        ContainerFiles.writeAtomically(files.spec(), record.write());
        return record;
    }

    @Test
    void keepsTheCurrentRevisionAcrossARecreateUntilForgotten() throws IOException {
        ContainerRevisions revisions = new ContainerRevisions(state);
        assertEquals(Optional.empty(), revisions.current("web"));
        assertFalse(revisions.keepAsPrevious("web"), "nothing to keep before the container exists");

        SpecRecord blue = create("web", "sha256:blue", "blue");
        assertEquals(blue.hash(), revisions.current("web").orElseThrow().specHash());
        assertTrue(revisions.keepAsPrevious("web"));

        SpecRecord green = create("web", "sha256:green", "green"); // the recreate
        ContainerRevision current = revisions.current("web").orElseThrow();
        ContainerRevision previous = revisions.previous("web").orElseThrow();
        assertEquals(green.hash(), current.specHash());
        assertEquals("sha256:green", current.imageDigest());
        assertEquals(blue.hash(), previous.specHash());
        assertEquals("sha256:blue", previous.imageDigest());
        assertEquals(List.of("sleep", "1000"), previous.spec().command());
        assertEquals(Set.of("sha256:blue"), revisions.previousImageDigests());

        revisions.forgetPrevious("web");
        assertEquals(Optional.empty(), revisions.previous("web"));
        assertEquals(Set.of(), revisions.previousImageDigests());
        assertEquals(green.hash(), revisions.current("web").orElseThrow().specHash(), "forgetting keeps the current one");
    }

    @Test
    void refusesANameThatIsNotOnePathSegment() {
        LaunchException e = assertThrows(LaunchException.class, () -> new ContainerRevisions(state).keepAsPrevious("../web"));
        assertEquals("BAD_NAME", e.code());
        assertEquals(Step.ARGS, e.step());
        assertFalse(Files.exists(state.resolve("web.lock")), "no lock file outside the containers directory");
    }
}

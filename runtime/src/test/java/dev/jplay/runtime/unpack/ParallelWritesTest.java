package dev.jplay.runtime.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Small files written by several threads give exactly the tree a single thread gives, also when later entries
 * replace, link to, white out or climb through files that may still be being written; hostile layers stay confined.
 * Each layer starts with hundreds of files, so writes are really in flight when the tricky entry arrives.
 */
class ParallelWritesTest {
    private static final int FILES = 400;

    @TempDir Path tmp;

    static Stream<Arguments> trickyLayers() {
        return Stream.of(
                Arguments.of("same file written twice", recipe(b -> b.file("d/f" + (FILES - 1), "second"))),
                Arguments.of("file replaced by a directory", recipe(b -> b.dir("d/f" + (FILES - 1), 0700).file("d/f" + (FILES - 1) + "/x", "in"))),
                Arguments.of("directory of pending files replaced by a file", recipe(b -> b.file("d", "now a file"))),
                Arguments.of("pending file replaced by a symlink", recipe(b -> b.symlink("d/f" + (FILES - 2), "f0"))),
                Arguments.of("hardlink to a pending file", recipe(b -> b.hardlink("d/link", "d/f" + (FILES - 1)))),
                Arguments.of("whiteout of a pending file", recipe(b -> b.file("d/.wh.f" + (FILES - 1), ""))),
                Arguments.of("opaque directory of pending files", recipe(b -> b.file("d/.wh..wh..opq", "").file("d/after", "a"))),
                Arguments.of("directory over pending files gets its metadata", recipe(b -> b.dir("d", 0750))));
    }

    private static Function<TarBuilder, TarBuilder> recipe(Function<TarBuilder, TarBuilder> tail) {
        return b -> {
            b.dir("d", 0755);
            for (int i = 0; i < FILES; i++) {
                b.file("d/f" + i, new byte[100 + i], i % 3 == 0 ? 0600 : 0644);
            }
            return tail.apply(b);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trickyLayers")
    void parallelGivesTheSameTreeAsSequential(String name, Function<TarBuilder, TarBuilder> recipe) throws Exception {
        byte[] tar = recipe.apply(new TarBuilder()).tar();
        for (int round = 0; round < 3; round++) {
            Path sequential = tmp.resolve("seq" + round);
            Path parallel = tmp.resolve("par" + round);
            UnpackResult one = new LayerUnpacker(false, 0).unpack(new ByteArrayInputStream(tar), null, sequential, UnpackLimits.defaults());
            UnpackResult many = new LayerUnpacker(false, 4).unpack(new ByteArrayInputStream(tar), null, parallel, UnpackLimits.defaults());
            assertEquals(one.diffId(), many.diffId());
            Map<String, String> expected = TreeSnapshot.of(sequential, true, true);
            Map<String, String> actual = TreeSnapshot.of(parallel, true, true);
            for (Map<String, String> tree : List.of(expected, actual)) {
                tree.remove("/"); // the root has no tar entry: its mtime is the time of the unpack
                tree.replaceAll((path, entry) -> entry.startsWith("020") ? entry.replaceAll(" mtime=\\d+", "") : entry); // whiteouts: "now"
            }
            assertTrue(expected.containsKey("d"), name + ": no d in the sequential tree");
            assertEquals("", TreeSnapshot.diff(expected, actual), name + " (round " + round + ")");
        }
    }

    @Test
    void aDirectoryOfPendingFilesReplacedBySymlinkIsNotWrittenThrough() throws Exception {
        Path sentinel = Files.createDirectories(tmp.resolve("sentinel"));
        Files.writeString(sentinel.resolve("secret"), "do not touch");
        Map<String, String> before = TreeSnapshot.of(sentinel, true);
        byte[] tar = recipe(b -> b.symlink("d", sentinel.toString()).file("d/evil", "x").file("d/f1", "overwrite")).apply(new TarBuilder()).tar();

        for (int round = 0; round < 5; round++) {
            Path layer = tmp.resolve("layer" + round);
            assertThrows(UnpackException.class,
                    () -> new LayerUnpacker(false, 4).unpack(new ByteArrayInputStream(tar), null, layer, UnpackLimits.defaults()));
            assertEquals(before, TreeSnapshot.of(sentinel, true));
        }
    }
}

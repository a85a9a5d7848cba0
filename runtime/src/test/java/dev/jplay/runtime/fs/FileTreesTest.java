package dev.jplay.runtime.fs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {

    @Test
    void deletesATreeButNotWhatItsLinksPointTo(@TempDir Path tmp) throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Path kept = Files.writeString(outside.resolve("kept.txt"), "keep me");
        Path tree = Files.createDirectories(tmp.resolve("tree/sub"));
        Files.writeString(tree.resolve("file.txt"), "x");
        Files.createSymbolicLink(tree.resolve("to-outside"), outside);

        FileTrees.deleteTree(tmp.resolve("tree"));

        assertFalse(Files.exists(tmp.resolve("tree"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isRegularFile(kept));
    }

    @Test
    void aMissingTreeIsAnErrorUnlessAskedIfItExists(@TempDir Path tmp) throws Exception {
        Path missing = tmp.resolve("missing");
        assertThrows(NoSuchFileException.class, () -> FileTrees.deleteTree(missing));
        FileTrees.deleteTreeIfExists(missing);
        assertFalse(Files.exists(missing));
    }
}

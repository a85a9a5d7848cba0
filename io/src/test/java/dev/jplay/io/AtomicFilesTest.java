package dev.jplay.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.io.AtomicFiles.Option;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir Path dir;

    @Test
    void replacesTheTargetAndLeavesNoTempFile() throws IOException {
        Path target = dir.resolve("state.json");
        Files.writeString(target, "old");
        AtomicFiles.write(target, "new".getBytes(StandardCharsets.UTF_8), Option.SYNC_FILE, Option.SYNC_DIRECTORY);
        assertEquals("new", Files.readString(target));
        assertEquals(List.of("state.json"), names());
    }

    @Test
    void aFailingWriterLeavesTheOldContentAndNoTempFile() throws IOException {
        Path target = dir.resolve("report.json");
        Files.writeString(target, "old");
        IOException boom = new IOException("disk full");
        IOException thrown = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half".getBytes(StandardCharsets.UTF_8));
            throw boom;
        }));
        assertSame(boom, thrown);
        assertEquals("old", Files.readString(target));
        assertEquals(List.of("report.json"), names());
    }

    @Test
    void aRefusedTempFileIsNotRenamedAndIsRemoved() throws IOException {
        Path target = dir.resolve("agent.jar");
        IllegalStateException thrown = assertThrows(IllegalStateException.class, () -> AtomicFiles.write(target,
                new byte[] {1, 2, 3}, temp -> {
                    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(temp), "the check sees the whole content");
                    assertTrue(temp.getFileName().toString().startsWith(".agent.jar."), temp.toString());
                    throw new IllegalStateException("corrupted");
                }));
        assertEquals("corrupted", thrown.getMessage());
        assertFalse(Files.exists(target));
        assertEquals(List.of(), names());
    }

    @Test
    void ownerOnlyMakesThePrivateModeAndTheDefaultFollowsTheUmask() throws IOException {
        Path secret = dir.resolve("secret");
        Path plain = dir.resolve("plain");
        AtomicFiles.write(secret, new byte[0], Option.OWNER_ONLY);
        AtomicFiles.write(plain, new byte[0]);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secret)));
        // Like Files.write: 0666 less the umask, which always leaves the owner read and write.
        Path reference = Files.write(dir.resolve("reference"), new byte[0]);
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(plain));
    }

    @Test
    void missingDirectoriesAreCreatedOnlyWhenAsked() throws IOException {
        Path target = dir.resolve("a/b/c.txt");
        assertThrows(NoSuchFileException.class, () -> AtomicFiles.write(target, new byte[] {1}));
        AtomicFiles.write(target, new byte[] {1}, Option.CREATE_DIRECTORIES);
        assertArrayEquals(new byte[] {1}, Files.readAllBytes(target));
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}

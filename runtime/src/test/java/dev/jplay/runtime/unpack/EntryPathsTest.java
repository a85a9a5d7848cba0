package dev.jplay.runtime.unpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class EntryPathsTest {
    @Test
    void stripsLeadingSlashesAndDotComponentsLikeTar() throws Exception {
        assertEquals("etc/passwd", EntryPaths.normalize("/etc/passwd"));
        assertEquals("etc/passwd", EntryPaths.normalize("//./etc//./passwd"));
        assertEquals("usr/bin", EntryPaths.normalize("./usr/bin/"));
        assertEquals("", EntryPaths.normalize("./"));
        assertEquals("", EntryPaths.normalize("."));
        assertEquals("", EntryPaths.normalize("/"));
        assertEquals("a/..b/c..", EntryPaths.normalize("a/..b/c.."));
    }

    @Test
    void rejectsParentComponentsAnywhere() {
        for (String name : new String[] {"..", "../x", "a/../b", "/../etc", "a/b/..", "./.."}) {
            UnpackException e = assertThrows(UnpackException.class, () -> EntryPaths.normalize(name), name);
            assertEquals("entry '" + name + "' has a '..' component", e.getMessage());
        }
    }

    @Test
    void splitsParentAndBaseName() {
        assertEquals("a/b", EntryPaths.parent("a/b/c"));
        assertEquals("", EntryPaths.parent("c"));
        assertEquals("c", EntryPaths.baseName("a/b/c"));
        assertEquals("a/x", EntryPaths.child("a", "x"));
        assertEquals("x", EntryPaths.child("", "x"));
    }
}

package dev.jplay.modules.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jplay.modules.ModuleException;
import org.junit.jupiter.api.Test;

class FileModeTest {
    @Test
    void octalStringsAndYamlIntegers() throws Exception {
        assertEquals(0644, FileMode.parse("t", "0644").resolve("t", 0, false));
        assertEquals(0755, FileMode.parse("t", "755").resolve("t", 0, false));
        assertEquals(01777, FileMode.parse("t", "1777").resolve("t", 0, true));
        assertEquals(0644, FileMode.parse("t", 420).resolve("t", 0, false)); // YAML 1.1 read 0644 as 420
        assertEquals("0640", FileMode.format(0640));
    }

    @Test
    void symbolicModesApplyToTheCurrentMode() throws Exception {
        assertEquals(0640, FileMode.parse("t", "u=rw,g=r,o=").resolve("t", 0777, false));
        assertEquals(0755, FileMode.parse("t", "a+X").resolve("t", 0644, true));
        assertEquals(0644, FileMode.parse("t", "a+X").resolve("t", 0644, false));
        assertEquals(0600, FileMode.parse("t", "go-rwx").resolve("t", 0644, false));
        assertEquals(04755, FileMode.parse("t", "u+s").resolve("t", 0755, false));
    }

    @Test
    void rejectsNonsense() {
        assertThrows(ModuleException.class, () -> FileMode.parse("t", "0999"));
        assertThrows(ModuleException.class, () -> FileMode.parse("t", "u~r"));
        assertThrows(ModuleException.class, () -> FileMode.parse("t", 99999));
    }
}

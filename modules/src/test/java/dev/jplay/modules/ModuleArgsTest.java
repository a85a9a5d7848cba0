package dev.jplay.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModuleArgsTest {
    @Test
    void anUnknownArgumentIsNamedWithTheSupportedOnesSorted() {
        ModuleArgs args = new ModuleArgs("stat", Map.of("pth", "/etc"));
        ModuleException e = assertThrows(ModuleException.class,
                () -> args.rejectUnknown(Set.of("path", "follow", "get_checksum", "checksum_algorithm")));
        assertEquals("stat: unsupported argument 'pth' (supported: checksum_algorithm, follow, get_checksum, path)", e.getMessage());
        assertEquals("args", e.step().id());
        assertEquals("ARG_UNKNOWN", e.code());
    }
}

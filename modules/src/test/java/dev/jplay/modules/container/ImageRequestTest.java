package dev.jplay.modules.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleException;
import dev.jplay.runtime.unpack.UnpackLimits;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ImageRequestTest {
    private static UnpackLimits limits(Object... keyValues) throws ModuleException {
        Map<String, Object> args = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) args.put((String) keyValues[i], keyValues[i + 1]);
        return ImageRequest.limits(new ModuleArgs("image", args));
    }

    @Test
    void unpackBoundsDefaultToTheDocumentedValues() throws Exception {
        UnpackLimits limits = limits();
        assertEquals(100, limits.maxExpansionRatio());
        assertEquals(1L << 30, limits.expansionFloorBytes());
        assertEquals(1L << 30, limits.minFreeBytes());
        assertEquals(5, limits.minFreePercent());
    }

    @Test
    void eachTaskCanMoveTheUnpackBounds() throws Exception {
        UnpackLimits limits = limits("unpack_max_ratio", 1000, "unpack_ratio_floor", "4g", "unpack_min_free", "2g");
        assertEquals(1000, limits.maxExpansionRatio());
        assertEquals(4L << 30, limits.expansionFloorBytes());
        assertEquals(2L << 30, limits.reserveOf(1L << 40)); // an absolute reserve replaces the default pair
        UnpackLimits percent = limits("unpack_max_ratio", 0, "unpack_min_free", "10%");
        assertEquals(0, percent.maxExpansionRatio());
        assertEquals(100L << 30, percent.reserveOf(1000L << 30));
        assertEquals(0, limits("unpack_min_free", "0").reserveOf(1L << 40));
    }

    @Test
    void badBoundsAreArgumentErrors() {
        for (Object[] bad : new Object[][] {{"unpack_max_ratio", -1}, {"unpack_ratio_floor", "lots"},
                {"unpack_min_free", "150%"}, {"unpack_min_free", "x%"}}) {
            ModuleException e = assertThrows(ModuleException.class, () -> limits(bad));
            assertEquals("args", e.step().id());
            assertTrue(e.getMessage().contains((String) bad[0]), e::getMessage);
        }
    }
}

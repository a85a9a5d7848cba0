package dev.jplay.modules.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleException;
import dev.jplay.runtime.registry.PeerSource;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PeerRequestTest {
    static final String TOKEN = "s3cret-run-token-0123456789";

    static ModuleArgs args(Object peers) {
        return new ModuleArgs("image", Map.of("name", "reg/app:1", "_peers", peers));
    }

    @Test
    void readsWhatTheControllerPlannedAndNeverShowsTheToken() throws Exception {
        PeerRequest request = PeerRequest.from(args(Map.of("listen", "10.0.0.2:47001", "token", TOKEN,
                "sources", List.of("10.0.0.1:47001", "[fd00::1]:47001"))));
        assertEquals(new PeerSource("10.0.0.2", 47001), request.listen());
        assertEquals(List.of(new PeerSource("10.0.0.1", 47001), new PeerSource("fd00::1", 47001)), request.sources());
        assertArrayEquals(TOKEN.getBytes(StandardCharsets.US_ASCII), request.token());
        assertFalse(request.toString().contains(TOKEN), request.toString());
        assertTrue(request.toString().contains("10.0.0.1:47001"));
        assertNull(PeerRequest.from(new ModuleArgs("image", Map.of("name", "reg/app:1"))), "no peers unless planned");
    }

    @Test
    void refusesWhatTheControllerWouldNotSend() {
        for (Object bad : List.of("10.0.0.1:1", Map.of("listen", "10.0.0.2:47001", "token", "short"),
                Map.of("listen", "10.0.0.2", "token", TOKEN), Map.of("listen", "10.0.0.2:99999", "token", TOKEN),
                Map.of("listen", "10.0.0.2:47001", "token", TOKEN, "sources", "10.0.0.1:47001"))) {
            ModuleException e = assertThrows(ModuleException.class, () -> PeerRequest.from(args(bad)), String.valueOf(bad));
            assertEquals("ARG_VALUE", e.code());
            assertFalse(e.getMessage().contains(TOKEN), e.getMessage());
        }
    }
}

package dev.jplay.modules.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.network.NetworkAttachment;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The network a start-first replacement's previous revision had, kept for its rollback. */
class PreviousNetworksTest {
    @Test
    void theReplacedContainersNetworkIsKeptUntilForgotten(@TempDir Path state) throws Exception {
        PreviousNetworks kept = new PreviousNetworks(state);
        NetworkAttachment old = NetworkAttachment.of("10.78.0.10", 26, "10.78.0.1").withBridge("jplay7").withMtu(1400);
        kept.keep("web-0.r1", old);
        assertEquals(Optional.of(old), new PreviousNetworks(state).of("web-0.r1"), "read back as it was attached");
        assertTrue(kept.of("web-1.r1").isEmpty(), "another container has none");
        kept.keep("web-0.r1", null);
        assertTrue(kept.of("web-0.r1").isEmpty(), "a replaced container without a network leaves none");
        kept.keep("web-0.r1", old);
        kept.forget("web-0.r1");
        assertTrue(kept.of("web-0.r1").isEmpty());
    }
}

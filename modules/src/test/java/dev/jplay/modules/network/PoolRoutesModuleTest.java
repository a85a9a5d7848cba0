package dev.jplay.modules.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** pool_routes refuses bad routes before it lists or touches any route of the host. */
class PoolRoutesModuleTest {

    private static ModuleException failure(Object... args) {
        return assertThrows(ModuleException.class, () -> new PoolRoutesModule().run(Contexts.args("pool_routes", args), Contexts.check()));
    }

    @Test
    void routesMustBeBlocksOfThePoolThroughAnIpv4Gateway() {
        ModuleException outside = failure("cidr", "10.77.0.0/24", "routes", List.of(Map.of("dst", "10.78.0.0/26", "via", "10.213.1.2")));
        assertEquals("network", outside.step().id());
        assertEquals("BAD_ROUTE", outside.code());
        assertTrue(outside.getMessage().contains("not inside the pool 10.77.0.0/24"), outside.getMessage());
        assertEquals("10.77.0.0/24", outside.detailMap().get("pool"));
        ModuleException gateway = failure("cidr", "10.77.0.0/24", "routes", List.of(Map.of("dst", "10.77.0.64/26", "via", "node2")));
        assertEquals("BAD_ROUTE", gateway.code());
        assertEquals("node2", gateway.detailMap().get("via"));
        assertEquals("BAD_ROUTE", failure("cidr", "fd00::/64").code());
    }

    @Test
    void argumentsAreCheckedFirst() {
        assertEquals("ARG_TYPE", failure("cidr", "10.77.0.0/24", "routes", "10.77.0.64/26").code());
        assertEquals("ARG_TYPE", failure("cidr", "10.77.0.0/24", "routes", List.of(Map.of("dst", "10.77.0.64/26"))).code());
        assertEquals("ARG_UNKNOWN", failure("cidr", "10.77.0.0/24", "gateway", "x").code());
    }
}

package dev.jplay.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.network.RouteDiff.Route;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The host-gw route diff: what to add, re-point and delete among jplay's routes of one pool. */
class RouteDiffTest {
    private static final Route B = new Route("10.77.0.64/26", "10.213.1.2");
    private static final Route C = new Route("10.77.0.128/26", "10.213.1.3");

    @Test
    void sameRoutesChangeNothing() {
        assertTrue(RouteDiff.of(List.of(B, C), List.of(C, B), Set.of()).isEmpty());
    }

    @Test
    void aHostJoiningAddsItsBlockAndALeavingOneDropsIt() {
        RouteDiff joined = RouteDiff.of(List.of(B), List.of(B, C), Set.of());
        assertEquals(List.of(C), joined.replace());
        assertEquals(List.of(), joined.delete());
        RouteDiff left = RouteDiff.of(List.of(B, C), List.of(B), Set.of());
        assertEquals(List.of(), left.replace());
        assertEquals(List.of(C), left.delete());
    }

    @Test
    void aBlockThatMovedToAnotherHostIsRepointedNotDeleted() {
        Route moved = new Route(B.dst(), "10.213.1.9");
        RouteDiff diff = RouteDiff.of(List.of(B), List.of(moved), Set.of());
        assertEquals(List.of(moved), diff.replace());
        assertEquals(List.of(), diff.delete(), "replace re-points it in one step");
    }

    @Test
    void keptBlocksStayEvenWhenNotWanted() {
        RouteDiff diff = RouteDiff.of(List.of(B, C), List.of(), Set.of(C.dst()));
        assertEquals(List.of(B), diff.delete());
        assertFalse(diff.delete().contains(C));
    }

    @Test
    void oneBlockWantedThroughTwoHostsIsAnError() {
        NetworkException e = assertThrows(NetworkException.class,
                () -> RouteDiff.of(List.of(), List.of(B, new Route(B.dst(), "10.213.1.7")), Set.of()));
        assertEquals(NetworkException.BAD_ROUTE, e.code());
        assertTrue(e.getMessage().contains("10.213.1.2 and 10.213.1.7"), e.getMessage());
    }

    @Test
    void blocksOutsideThePoolAreNotItsToManage() {
        int[] pool = PoolRouting.cidr("10.77.0.0/24", "pool");
        assertTrue(PoolRouting.inside(PoolRouting.cidr("10.77.0.64/26", "route"), pool));
        assertFalse(PoolRouting.inside(PoolRouting.cidr("10.78.0.0/26", "route"), pool));
        assertFalse(PoolRouting.inside(PoolRouting.cidr("10.77.0.0/16", "route"), pool), "wider than the pool");
        assertEquals(NetworkException.BAD_ROUTE, assertThrows(NetworkException.class, () -> PoolRouting.cidr("10.77.0.64", "route")).code());
    }
}

package dev.jplay.engine.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PlacerTest {
    private static List<PlacementHost> hosts(int from, int to) {
        List<PlacementHost> out = new ArrayList<>();
        for (int i = from; i < to; i++) out.add(PlacementHost.of("host" + i));
        return out;
    }

    private static Map<String, Integer> counts(Placement p) {
        Map<String, Integer> c = new HashMap<>();
        for (String h : p.hosts()) c.merge(h, 1, Integer::sum);
        return c;
    }

    private static int moved(Placement before, Placement after) {
        int moved = 0;
        for (int i = 0; i < Math.min(before.count(), after.count()); i++) if (!before.hosts().get(i).equals(after.hosts().get(i))) moved++;
        return moved;
    }

    @Test
    void spreadsEvenly() {
        Map<String, Integer> c = counts(Placer.place("web", 103, hosts(0, 10), Map.of()));
        assertEquals(10, c.size());
        assertTrue(c.values().stream().allMatch(n -> n == 10 || n == 11), c.toString());
        assertEquals(103, c.values().stream().mapToInt(Integer::intValue).sum());
    }

    @Test
    void weightsAndCapacitiesShapeTheSpread() {
        List<PlacementHost> hosts = new ArrayList<>(hosts(0, 3));
        hosts.add(new PlacementHost("big", 2, PlacementHost.UNLIMITED));
        hosts.add(new PlacementHost("small", 1, 3));
        hosts.add(new PlacementHost("off", 0, PlacementHost.UNLIMITED));
        Map<String, Integer> c = counts(Placer.place("web", 63, hosts, Map.of()));
        assertEquals(3, c.get("small"));
        assertEquals(null, c.get("off"));
        // 60 left over weights 1,1,1,2: 12 each and 24
        assertEquals(24, c.get("big"));
        assertEquals(12, c.get("host0"));
    }

    @Test
    void notEnoughCapacityIsAnError() {
        List<PlacementHost> hosts = List.of(new PlacementHost("a", 1, 4), new PlacementHost("b", 1, 5));
        PlacementException e = assertThrows(PlacementException.class, () -> Placer.place("web", 10, hosts, Map.of()));
        assertTrue(e.getMessage().contains("10 replicas of 'web'") && e.getMessage().contains("at most 9"), e.getMessage());
    }

    @Test
    void isAPureFunctionOfNamesNotOfHostOrder() {
        List<PlacementHost> hosts = hosts(0, 40);
        Placement a = Placer.place("web", 500, hosts, Map.of());
        List<PlacementHost> shuffled = new ArrayList<>(hosts);
        Collections.shuffle(shuffled, new Random(7));
        assertEquals(a.byInstance(), Placer.place("web", 500, shuffled, Map.of()).byInstance());
    }

    @Test
    void addingTwoHostsToTenMovesOnlyWhatTheNewHostsNeed() {
        Placement before = Placer.place("web", 100, hosts(0, 10), Map.of());
        Placement after = Placer.place("web", 100, hosts(0, 12), before.byInstance());
        Map<String, Integer> c = counts(after);
        int toNew = c.get("host10") + c.get("host11");
        // even spread: 100/12 -> 8 or 9 each, so the two new hosts take 16-18; nothing else moves
        assertTrue(toNew >= 16 && toNew <= 18, c.toString());
        assertEquals(toNew, moved(before, after));
        assertTrue(c.values().stream().allMatch(n -> n == 8 || n == 9), c.toString());
    }

    @Test
    void removingAHostMovesOnlyItsInstances() {
        Placement before = Placer.place("web", 100, hosts(0, 10), Map.of());
        List<PlacementHost> nine = new ArrayList<>(hosts(0, 10));
        nine.remove(4);
        Placement after = Placer.place("web", 100, nine, before.byInstance());
        assertEquals(10, moved(before, after));
        for (int i = 0; i < 100; i++) {
            if (!before.hosts().get(i).equals("host4")) assertEquals(before.hosts().get(i), after.hosts().get(i));
        }
    }

    @Test
    void scalingAddsOrRemovesOnlyTheDifference() {
        Placement p100 = Placer.place("web", 100, hosts(0, 10), Map.of());
        Placement p120 = Placer.place("web", 120, hosts(0, 10), p100.byInstance());
        assertEquals(0, moved(p100, p120), "scaling up moves nothing");
        assertTrue(counts(p120).values().stream().allMatch(n -> n == 12));
        Placement p80 = Placer.place("web", 80, hosts(0, 10), p120.byInstance());
        // the least moves that even out 80 over 10: hosts keeping more than 8 of web-0..79 must shed the excess
        Map<String, Integer> kept = new HashMap<>();
        for (int i = 0; i < 80; i++) kept.merge(p120.hosts().get(i), 1, Integer::sum);
        int minimal = kept.values().stream().mapToInt(n -> Math.max(0, n - 8)).sum();
        assertEquals(minimal, moved(p120, p80));
        assertTrue(counts(p80).values().stream().allMatch(n -> n == 8));
    }

    @Test
    void withoutStateRendezvousStillMovesFew() {
        // no previous placement: only hashing keeps instances in place
        Placement before = Placer.place("web", 1000, hosts(0, 10), Map.of());
        Placement after = Placer.place("web", 1000, hosts(0, 12), Map.of());
        int moved = moved(before, after);
        int minimal = 1000 * 2 / 12;
        System.out.println("stateless: adding 2 hosts to 10 moved " + moved + " of 1000 (minimum " + minimal + ")");
        assertTrue(moved <= 3 * minimal, "moved " + moved);
    }

    @Test
    void largeFleetsArePlacedQuicklyAndEvenly() {
        long t = System.nanoTime();
        Placement p = Placer.place("web", 100_000, hosts(0, 10_000), Map.of());
        long ms = (System.nanoTime() - t) / 1_000_000;
        Map<String, Integer> c = counts(p);
        assertEquals(10_000, c.size());
        assertTrue(c.values().stream().allMatch(n -> n == 10), "even spread");
        List<PlacementHost> more = hosts(0, 10_100);
        Placement after = Placer.place("web", 100_000, more, p.byInstance());
        int moved = moved(p, after);
        System.out.println("100000 over 10000 hosts: " + ms + " ms; adding 100 hosts moved " + moved);
        assertTrue(moved <= 100 * 10, "moved " + moved);
    }
}

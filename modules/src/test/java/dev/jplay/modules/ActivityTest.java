package dev.jplay.modules;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jplay.protocol.Step;
import org.junit.jupiter.api.Test;

class ActivityTest {
    @Test
    void describesTheStepAndEveryOpenLaneBuildingTextOnlyWhenRead() {
        Activity a = new Activity();
        assertEquals("nothing reported", a.describe());
        assertEquals("exec", a.step().id());
        StringBuilder live = new StringBuilder("entry a");
        a.now(Step.FETCH, "pulling r/x:1");
        a.lane("unpack sha256:2", live);
        a.lane("fetch sha256:1", "fetching blob sha256:1 (5 of 9 bytes)");
        live.replace(0, live.length(), "entry b"); // lanes are read when described, not when set
        assertEquals("fetch", a.step().id());
        assertEquals("pulling r/x:1; fetching blob sha256:1 (5 of 9 bytes); entry b", a.describe());
        a.endLane("fetch sha256:1");
        a.endLane("unpack sha256:2");
        assertEquals("pulling r/x:1", a.describe());
    }
}

package dev.jplay.engine.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The revision a container name says, and back: a start-first rollback records the instance in the container it restored. */
class InstanceRevisionTest {
    @Test
    void aContainerNameSaysItsRevision() {
        assertEquals(0, FleetState.Instance.revisionOf("web-0"));
        assertEquals(3, FleetState.Instance.revisionOf("web-0.r3"));
        assertEquals(0, FleetState.Instance.revisionOf("web.rx"), "not a revision suffix");
        assertEquals(0, FleetState.Instance.revisionOf("web-0.r0"), "revision 0 is the instance's own name");
        FleetState.Instance i = new FleetState.Instance("web-0", 0, "a", "10.0.0.9", 24, "10.0.0.1", 2);
        FleetState.Instance back = i.replaced("10.0.0.2", FleetState.Instance.revisionOf("web-0"));
        assertEquals("web-0", back.containerName());
        assertEquals(new FleetState.Instance("web-0", 0, "a", "10.0.0.2", 24, "10.0.0.1", null), back, "as it was before its first replacement");
        assertEquals("web-0.r1", i.replaced("10.0.0.3", FleetState.Instance.revisionOf("web-0.r1")).containerName());
    }
}

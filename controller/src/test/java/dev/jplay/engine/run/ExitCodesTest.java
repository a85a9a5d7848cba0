package dev.jplay.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.jplay.reports.HostRecap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExitCodesTest {
    private static Map<String, HostRecap> recap(int failed, int unreachable) {
        Map<String, HostRecap> r = new LinkedHashMap<>();
        r.put("ok", new HostRecap(3, 1, 0, 0, 1, 0, 0));
        r.put("bad", new HostRecap(0, 0, unreachable, failed, 0, 0, 0));
        return r;
    }

    @Test
    void failuresAndUnreachableHostsAreBitsAndAnInterruptWins() {
        assertEquals(ExitCodes.OK, ExitCodes.of(recap(0, 0), false));
        assertEquals(ExitCodes.HOST_FAILED, ExitCodes.of(recap(1, 0), false));
        assertEquals(ExitCodes.HOST_UNREACHABLE, ExitCodes.of(recap(0, 1), false));
        assertEquals(6, ExitCodes.of(recap(2, 1), false));
        assertEquals(ExitCodes.INTERRUPTED, ExitCodes.of(recap(2, 1), true));
    }

    @Test
    void eachCodeNamesTheReportsOutcome() {
        assertEquals("ok", ExitCodes.outcome(0));
        assertEquals("error", ExitCodes.outcome(ExitCodes.BAD_INPUT));
        assertEquals("failed", ExitCodes.outcome(2));
        assertEquals("interrupted", ExitCodes.outcome(3));
        assertEquals("unreachable", ExitCodes.outcome(4));
        assertEquals("failed_unreachable", ExitCodes.outcome(6));
        assertEquals("error", ExitCodes.outcome(ExitCodes.INTERNAL));
        assertEquals("locked", ExitCodes.outcome(ExitCodes.STATE_LOCKED));
    }
}

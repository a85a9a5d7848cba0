package dev.jplay.modules.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.runtime.network.HostNetworkRecords;
import dev.jplay.runtime.network.RouteDiff;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootRestoreTest {
    @TempDir Path state;

    @Test
    void aNetworkRecordThatFailsIsReportedWithStepAndCodeAndCounted() throws Exception {
        // A route outside its pool fails in PoolRouting's own check, before any command runs on this machine.
        new HostNetworkRecords(state).recordPool(new HostNetworkRecords.PoolRecord("10.77.0.0/24",
                List.of(new RouteDiff.Route("10.99.0.0/26", "192.168.1.12")), List.of()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int failed = BootRestore.restoreAll(state, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(1, failed, out);
        assertTrue(out.contains("pool 10.77.0.0/24: FAILED at step network (BAD_ROUTE): route 10.99.0.0/26 via 192.168.1.12 is not inside"), out);
        assertTrue(out.contains("jplay restore: 0 container(s) started, 0 failed, 0 left alone, 1 network record(s) failed"), out);
    }
}

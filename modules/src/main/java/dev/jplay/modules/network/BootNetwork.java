package dev.jplay.modules.network;

import dev.jplay.runtime.network.FleetService;
import dev.jplay.runtime.network.Forwarding;
import dev.jplay.runtime.network.HostNetworkRecords;
import dev.jplay.runtime.network.NetworkException;
import dev.jplay.runtime.network.PoolRouting;
import dev.jplay.runtime.network.ServiceTables;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;

/**
 * The boot restore's first part ({@link dev.jplay.modules.container.BootRestore}): the host's own network state that
 * {@code pool_routes} and {@code fleet_service} applied and recorded ({@link HostNetworkRecords}), applied again
 * through the same calls the modules make, before any container starts, so an instance is reachable as soon as it
 * answers. One line per pool and service; one that fails is reported with its step and code and the rest go on.
 */
public final class BootNetwork {
    private BootNetwork() {}

    /** Applies the records of {@code stateDir}; the number that failed. */
    public static int restore(Path stateDir, PrintStream out) {
        HostNetworkRecords records = new HostNetworkRecords(stateDir);
        int failed = 0;
        List<HostNetworkRecords.PoolRecord> pools;
        List<FleetService> services;
        try {
            pools = records.pools();
            services = records.services();
        } catch (IOException | RuntimeException e) {
            out.println("network records: FAILED at step " + NetworkException.STEP.id() + " (" + NetworkException.STATE_FAILED
                    + "): cannot read " + stateDir.resolve("network") + ": " + e.getMessage());
            return 1;
        }
        for (HostNetworkRecords.PoolRecord pool : pools) {
            try {
                PoolRouting.Outcome o = new PoolRouting().converge(pool.cidr(), pool.routes(), new HashSet<>(pool.keep()), false);
                out.println("pool " + pool.cidr() + ": " + pool.routes().size() + " route(s) in place"
                        + (o.routes().replace().isEmpty() ? "" : ", " + o.routes().replace().size() + " added"));
            } catch (NetworkException e) {
                failed++;
                out.println(failure("pool " + pool.cidr(), e));
            }
        }
        ServiceTables tables = new ServiceTables();
        for (FleetService service : services) {
            try {
                if (!service.backends().isEmpty() && !Forwarding.on()) Forwarding.turnOn();
                tables.apply(service);
                out.println("service " + service.name() + ": table " + service.table() + " in place");
            } catch (NetworkException e) {
                failed++;
                out.println(failure("service " + service.name(), e));
            }
        }
        return failed;
    }

    private static String failure(String what, NetworkException e) {
        return what + ": FAILED at step " + NetworkException.STEP.id() + " (" + e.code() + "): " + e.getMessage()
                + (e.detail().isEmpty() ? "" : " " + e.detail());
    }
}

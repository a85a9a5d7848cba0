package dev.jplay.modules.network;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.network.CniNetworks;
import dev.jplay.runtime.network.ConntrackFlows;
import dev.jplay.runtime.network.FleetService;
import dev.jplay.runtime.network.Forwarding;
import dev.jplay.runtime.network.InstalledService;
import dev.jplay.runtime.network.ListeningSockets;
import dev.jplay.runtime.network.NetworkAttachment;
import dev.jplay.runtime.network.NetworkException;
import dev.jplay.runtime.network.PortMapping;
import dev.jplay.runtime.network.ServiceTables;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code fleet_service}: the data plane of a fleet service on this host, as kube-proxy's nftables mode: connections to
 * {@code port} on any of the host's addresses are spread over {@code backends} (instance IPs on this and other hosts)
 * by the kernel, in jplay's own nftables table {@code ip jplay-svc-NAME} ({@link dev.jplay.runtime.network.ServiceRuleset}).
 *
 * <pre>
 * fleet_service: {name: web, port: 80, target_port: 8080, protocol: tcp, backends: [10.77.0.5, 10.77.0.70], state: present}
 * fleet_service: {name: web, port: 80, target_port: 8080, backends: [10.77.0.5], traffic_policy: local}  # this host's own instances
 * fleet_service: {state: query}      # every jplay service on this host, read back from the kernel
 * </pre>
 *
 * Changed when the table was created, replaced or removed, or forwarding was turned on; ok when the kernel's rules
 * already are what it would write. Results: {@code backends} (sorted), {@code table}; for a query {@code services}.
 */
public final class FleetServiceModule implements TaskModule {
    public static final String NAME = "fleet_service";

    private final ServiceTables tables;
    private final ListeningSockets sockets;
    private final ConntrackFlows flows;

    public FleetServiceModule() {
        this(new ServiceTables(), ListeningSockets.current(), new ConntrackFlows());
    }

    FleetServiceModule(ServiceTables tables, ListeningSockets sockets, ConntrackFlows flows) {
        this.tables = tables;
        this.sockets = sockets;
        this.flows = flows;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(Set.of("name", "port", "target_port", "protocol", "backends", "state", "traffic_policy"));
        String state = args.string("state", "present");
        try {
            return switch (state) {
                case "query" -> query(args);
                case "absent" -> absent(args.string("name"), ctx);
                case "present" -> present(spec(args), ctx);
                default -> throw new ModuleException(Step.ARGS, "BAD_SERVICE", NAME + ": state must be present, absent or query, got '"
                        + state + "'");
            };
        } catch (NetworkException e) {
            ModuleException m = new ModuleException(e.code().equals(NetworkException.BAD_SERVICE) ? Step.ARGS : NetworkException.STEP,
                    e.code(), NAME + " " + args.string("name", "") + ": " + e.getMessage(), e);
            e.detail().forEach(m::detail);
            throw m.detail("service", args.string("name", null));
        }
    }

    /** The arguments as a service; its own checks (name, ports, protocol, backends) fail with step args. */
    static FleetService spec(ModuleArgs args) throws ModuleException {
        if (!args.has("name")) throw new ModuleException(Step.ARGS, "ARG_MISSING", NAME + ": argument 'name' is required");
        if (!args.has("port")) throw new ModuleException(Step.ARGS, "ARG_MISSING", NAME + ": argument 'port' is required");
        long port = args.number("port", 0);
        long target = args.number("target_port", port);
        String protocol = args.string("protocol", "tcp");
        Object raw = args.raw().get("backends");
        if (raw != null && !(raw instanceof List<?>)) {
            throw new ModuleException(Step.ARGS, "ARG_TYPE", NAME + ": backends must be a list of instance IPs");
        }
        List<String> backends = new ArrayList<>();
        for (String b : args.strings("backends")) backends.add(b.trim());
        if (port > 65535 || target > 65535) throw new ModuleException(Step.ARGS, "BAD_SERVICE", NAME + ": ports must be 1..65535");
        try {
            return new FleetService(args.string("name"), (int) port, (int) target, protocol, backends,
                    args.string("traffic_policy", FleetService.CLUSTER));
        } catch (NetworkException e) {
            throw new ModuleException(Step.ARGS, e.code(), e.getMessage()).detail("service", args.string("name"));
        }
    }

    private ModuleResult present(FleetService wanted, ModuleContext ctx) throws ModuleException {
        // In check mode the host preparation has only said it would install nft: the table is then to be created.
        Optional<InstalledService> current = ctx.check() && !tables.available() ? Optional.empty() : tables.read(wanted.name());
        boolean rules = current.isEmpty() || !current.get().matches(wanted);
        if (current.isEmpty()) refuseTakenPort(wanted, ctx);
        boolean forwarding = !wanted.backends().isEmpty() && !Forwarding.on();
        List<String> stale = staleUdpBackends(current, wanted);
        Optional<Integer> forgotten = Optional.empty();
        boolean unit = false;
        if (!ctx.check()) {
            if (forwarding) Forwarding.turnOn();
            if (rules) tables.apply(wanted);
            if (!stale.isEmpty()) forgotten = flows.forget(current.get().service().port(), stale); // after: no new flow goes there
            unit = Records.write(ctx, "service " + wanted.name(), r -> r.recordService(wanted));
        }
        List<String> what = new ArrayList<>();
        if (rules) what.add((current.isEmpty() ? "table " : "replaced table ") + wanted.table());
        if (forwarding) what.add("ip_forward on");
        if (!stale.isEmpty()) what.add(forgetting(stale, forgotten, ctx));
        if (unit) what.add("boot unit updated");
        String summary = wanted.protocol() + " " + wanted.port() + " -> " + (wanted.backends().isEmpty() ? "no backend (rejected)"
                : wanted.backends().size() + (wanted.local() ? " local" : "") + " backend(s) at " + wanted.targetPort());
        ModuleResult.Builder b = ModuleResult.changed(rules || forwarding || unit)
                .msg(what.isEmpty() ? "service " + wanted.name() + " in place: " + summary
                        : (ctx.check() ? "would set " : "") + String.join("; ", what) + ": " + summary)
                .put("backends", wanted.backends()).put("table", wanted.table()).put("forwarding_turned_on", forwarding)
                .put("udp_flows_forgotten", forgotten.orElse(null));
        if (ctx.diff() && rules) b.diff(current.map(c -> describe(c.service())).orElse(null), describe(wanted));
        return b.build();
    }

    private ModuleResult absent(String name, ModuleContext ctx) throws ModuleException {
        if (!FleetService.validName(name)) {
            throw new ModuleException(Step.ARGS, "BAD_SERVICE", NAME + ": name must match [a-z0-9][a-z0-9-]{0,30}, got '" + name + "'");
        }
        boolean present = tables.available() && tables.names().contains(name); // without nft, jplay wrote no table
        Optional<InstalledService> current = present ? tables.read(name) : Optional.empty();
        List<String> stale = staleUdpBackends(current, null);
        Optional<Integer> forgotten = Optional.empty();
        if (present && !ctx.check()) {
            tables.delete(name);
            if (!stale.isEmpty()) forgotten = flows.forget(current.get().service().port(), stale);
        }
        boolean unit = !ctx.check() && Records.write(ctx, "service " + name, r -> r.forgetService(name));
        return ModuleResult.changed(present || unit)
                .msg(present ? (ctx.check() ? "would remove table " : "removed table ") + FleetService.tableOf(name)
                        + (stale.isEmpty() ? "" : "; " + forgetting(stale, forgotten, ctx))
                        : "service " + name + " is not on this host")
                .put("udp_flows_forgotten", forgotten.orElse(null))
                .put("backends", List.of()).put("table", FleetService.tableOf(name)).build();
    }

    private ModuleResult query(ModuleArgs args) throws ModuleException {
        if (args.has("name") || args.has("port") || args.has("backends")) {
            throw new ModuleException(Step.ARGS, "ARG_CONFLICT", NAME + ": state: query takes no other argument (it lists every service)");
        }
        List<Map<String, Object>> services = new ArrayList<>();
        if (!tables.available()) {
            // jplay ps asks every host: one without nft has no service (jplay installs it before writing one).
            return ModuleResult.ok().msg("no fleet service on this host (no nft)").put("services", services).build();
        }
        for (String name : tables.names()) tables.read(name).ifPresent(s -> services.add(describe(s.service())));
        return ModuleResult.ok().msg(services.size() + " fleet service(s) on this host").put("services", services).build();
    }

    static Map<String, Object> describe(FleetService s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("port", s.port());
        m.put("target_port", s.targetPort());
        m.put("protocol", s.protocol());
        m.put("backends", s.backends());
        m.put("traffic_policy", s.trafficPolicy());
        return m;
    }

    /**
     * A new service must not take a port something else on the host receives: a socket listening on a non-loopback
     * address (sshd on 22: the controller would lock itself out), or a container's published port.
     */
    private void refuseTakenPort(FleetService s, ModuleContext ctx) throws ModuleException {
        List<String> users = new ArrayList<>();
        for (String socket : sockets.receiving(s.protocol(), s.port())) users.add("a socket listening on " + socket);
        // No network directory: no container was ever attached here (and reading would create it).
        if (Files.isDirectory(ctx.stateDir().resolve("network"))) {
            users.addAll(publishing(s, new CniNetworks(ctx.stateDir()).attachments()));
        }
        if (!users.isEmpty()) {
            throw new ModuleException(NetworkException.STEP, NetworkException.SERVICE_PORT_IN_USE, NAME + " " + s.name() + ": "
                    + s.protocol() + " port " + s.port() + " is taken on this host by " + String.join(", ", users)
                    + "; the service would take its connections: choose another port")
                    .detail("service", s.name()).detail("port", s.port()).detail("protocol", s.protocol()).detail("taken_by", users);
        }
    }

    /**
     * The backends whose UDP flows must be forgotten ({@link ConntrackFlows}): those of the installed UDP service that
     * {@code wanted} (null: the service goes) no longer sends its port's datagrams to.
     */
    static List<String> staleUdpBackends(Optional<InstalledService> current, FleetService wanted) {
        if (current.isEmpty() || !current.get().service().protocol().equals("udp")) return List.of();
        FleetService now = current.get().service();
        boolean same = wanted != null && wanted.protocol().equals("udp") && wanted.port() == now.port()
                && wanted.targetPort() == now.targetPort();
        return now.backends().stream().filter(b -> !same || !wanted.backends().contains(b)).toList();
    }

    private static String forgetting(List<String> stale, Optional<Integer> forgotten, ModuleContext ctx) {
        if (ctx.check()) return "would forget UDP flows to " + String.join(", ", stale);
        return forgotten.map(n -> "forgot " + n + " UDP flow(s) to " + String.join(", ", stale))
                .orElse("UDP flows to " + String.join(", ", stale) + " go on until idle (no conntrack command: package conntrack)");
    }

    /** The containers whose published ports take the service's port on a non-loopback address. */
    static List<String> publishing(FleetService s, Map<String, NetworkAttachment> attachments) {
        List<String> users = new ArrayList<>();
        for (Map.Entry<String, NetworkAttachment> e : attachments.entrySet()) {
            for (PortMapping p : e.getValue().ports()) {
                boolean loopbackOnly = p.hostIp() != null && p.hostIp().startsWith("127.");
                if (p.hostPort() == s.port() && p.protocol().equals(s.protocol()) && !loopbackOnly) {
                    users.add("container " + e.getKey() + " (published port " + p + ")");
                }
            }
        }
        return users;
    }
}

package dev.jplay.runtime.network;

import dev.jplay.runtime.fs.HostCommand;
import dev.jplay.runtime.fs.HostTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Forgets the UDP flows a fleet service sent to backends it no longer has, as kube-proxy does: conntrack keeps a UDP
 * flow's DNAT for as long as its client keeps sending from the same port (a resolver, a game, QUIC), so without this
 * such a client would go on reaching a removed instance, and a black hole once it is stopped. TCP connections are
 * left to finish (that is the drain). Needs the {@code conntrack} command (package conntrack); without it nothing is
 * forgotten and {@link #forget} says so.
 */
public final class ConntrackFlows {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern DELETED = Pattern.compile("(\\d+) flow entries have been deleted");

    private final HostTools tools;

    public ConntrackFlows() {
        this(HostTools.current());
    }

    ConntrackFlows(HostTools tools) {
        this.tools = tools;
    }

    /**
     * Deletes the UDP flows to {@code port} of this host that were sent to one of {@code removed}; the number deleted,
     * or empty without the conntrack command.
     */
    public Optional<Integer> forget(int port, List<String> removed) {
        Optional<Path> conntrack = tools.find("conntrack");
        if (conntrack.isEmpty()) return Optional.empty();
        int deleted = 0;
        for (String backend : removed) {
            List<String> command = List.of(conntrack.get().toString(), "-D", "-p", "udp", "--orig-port-dst", String.valueOf(port),
                    "--reply-src", backend);
            HostCommand.Result r;
            try {
                r = HostCommand.run(command, TIMEOUT);
            } catch (HostCommand.Failed e) {
                throw new NetworkException(NetworkException.SERVICE_CONNTRACK_FAILED, e.getMessage()).detail("command", String.join(" ", command));
            }
            Matcher m = DELETED.matcher(r.stderr() + "\n" + r.stdout());
            // It exits 1 when there was nothing to delete.
            if (!m.find()) {
                throw new NetworkException(NetworkException.SERVICE_CONNTRACK_FAILED, r.failure()).detail("command", String.join(" ", command))
                        .detail("exit_code", r.exit()).detail("stderr_tail", ServiceTables.tail(r.stderr()));
            }
            deleted += Integer.parseInt(m.group(1));
        }
        return Optional.of(deleted);
    }
}

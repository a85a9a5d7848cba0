package dev.jplay.engine.fleet;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container a host's agent reports, seen as an instance of an app: jplay names instances {@code APP-INDEX}
 * ({@link Placement#instanceName}), so {@code web-3} on a host is instance 3 of {@code web}. What the hosts know,
 * against which {@code jplay state rebuild} rebuilds the fleet state and {@code jplay plan} checks it.
 *
 * @param ip the container's own address, with {@code prefixLen} and {@code gateway}; all null when it has none
 */
public record ObservedInstance(String host, String name, int index, boolean running, String ip, Integer prefixLen, String gateway) {
    private static final Pattern INDEX = Pattern.compile("(\\d{1,9})");

    /** The container as an instance of {@code app}, or empty when its name is not {@code APP-INDEX}. */
    public static Optional<ObservedInstance> of(String app, String host, String container, boolean running, String ip,
                                                Integer prefixLen, String gateway) {
        if (container == null || !container.startsWith(app + "-")) return Optional.empty();
        Matcher m = INDEX.matcher(container.substring(app.length() + 1));
        if (!m.matches()) return Optional.empty();
        return Optional.of(new ObservedInstance(host, container, Integer.parseInt(m.group(1)), running, ip, prefixLen, gateway));
    }
}

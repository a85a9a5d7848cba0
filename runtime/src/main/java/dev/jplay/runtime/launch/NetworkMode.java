package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;


/**
 * Ansible {@code network_mode}: {@code host} shares the host's network namespace, {@code none} gives a private
 * namespace with only loopback, an absolute path joins a namespace the caller prepared (e.g. {@code /run/netns/web}).
 */
public record NetworkMode(Kind kind, String namespacePath) {

    public enum Kind { HOST, NONE, PATH }

    public static final NetworkMode HOST = new NetworkMode(Kind.HOST, null);
    public static final NetworkMode NONE = new NetworkMode(Kind.NONE, null);

    public NetworkMode {
        if (kind == Kind.PATH && (namespacePath == null || !namespacePath.startsWith("/"))) {
            throw new LaunchException(Step.ARGS, "BAD_NETWORK_MODE",
                    "network_mode must be host, none or an absolute netns path, got '" + namespacePath + "'");
        }
    }

    public static NetworkMode parse(String value) {
        if (value == null || value.isBlank() || value.equals("none")) return NONE;
        if (value.equals("host")) return HOST;
        return new NetworkMode(Kind.PATH, value);
    }

    public String id() {
        return switch (kind) {
            case HOST -> "host";
            case NONE -> "none";
            case PATH -> namespacePath;
        };
    }

    @Override
    public String toString() { return id(); }
}

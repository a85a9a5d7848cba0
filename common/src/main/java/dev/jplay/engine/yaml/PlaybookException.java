package dev.jplay.engine.yaml;

/**
 * A problem in playbook source (YAML syntax, playbook structure, templates, conditions) at a {@link Location}.
 * The message starts with the location so that editors and terminals can jump to it.
 */
public class PlaybookException extends RuntimeException {
    private final Location location;
    private final String problem;

    public PlaybookException(Location location, String problem) {
        this(location, problem, null);
    }

    public PlaybookException(Location location, String problem, Throwable cause) {
        super(location + ": " + problem, cause);
        this.location = location;
        this.problem = problem;
    }

    public Location location() {
        return location;
    }

    /** The message without the location prefix. */
    public String problem() {
        return problem;
    }
}

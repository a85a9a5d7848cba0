package dev.jplay.engine.template;

import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;

/** A template or condition that cannot be evaluated: undefined variable, bad syntax, wrong result type. */
public final class TemplateException extends PlaybookException {
    private final String variable;

    public TemplateException(Location location, String problem, String variable, Throwable cause) {
        super(location, problem, cause);
        this.variable = variable;
    }

    public TemplateException(Location location, String problem) {
        this(location, problem, null, null);
    }

    /** The undefined variable (as written, e.g. "result.stdout"), or null for other problems. */
    public String variable() {
        return variable;
    }
}

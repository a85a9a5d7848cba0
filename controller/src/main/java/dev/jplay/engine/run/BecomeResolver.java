package dev.jplay.engine.run;

import dev.jplay.engine.playbook.Become;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.playbook.BecomeKeywords;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Whom a task's agent runs as on its host, by Ansible's precedence: the host's variables ({@code jplay_become*},
 * then {@code ansible_become*}) over the task's keywords (inherited from block and play) over the command line.
 * A target whose login user already is the become user needs no second agent: it keeps the login agent.
 */
final class BecomeResolver {
    static final List<String> BECOME = List.of("jplay_become", "ansible_become");
    static final List<String> USER = List.of("jplay_become_user", "ansible_become_user");
    static final List<String> METHOD = List.of("jplay_become_method", "ansible_become_method");
    static final List<String> FLAGS = List.of("jplay_become_flags", "ansible_become_flags");
    static final List<String> PASSWORD = List.of("jplay_become_password", "ansible_become_password", "ansible_become_pass");
    /** Where a privileged agent keeps its state on the host (default {@link Become#ROOT_STATE_DIR}). */
    static final List<String> STATE_DIR = List.of("jplay_become_state_dir");

    private BecomeResolver() {}

    /**
     * @param vars   the task's variables on its host
     * @param render renders a variable's value (templates in the inventory, e.g. a vaulted password)
     * @return the become settings, or null when the task runs as the login user
     * @throws IllegalArgumentException for a value that is not what its name asks for
     */
    static Become resolve(BecomeKeywords keywords, Map<String, Object> vars, BecomeDefaults cli, UnaryOperator<Object> render) {
        Boolean enabled = bool(first(vars, BECOME, render));
        if (enabled == null) enabled = keywords.become();
        if (enabled == null) enabled = cli.become();
        if (!enabled) return null;
        String user = text(first(vars, USER, render), keywords.user(), cli.user());
        String method = text(first(vars, METHOD, render), keywords.method(), cli.method());
        String flags = text(first(vars, FLAGS, render), keywords.flags(), null);
        String password = text(first(vars, PASSWORD, render), cli.password(), null);
        String stateDir = text(first(vars, STATE_DIR, render), null, null);
        return new Become(user, method, flags, password, stateDir);
    }

    /** {@code target} running its agent as {@code become}'s user; unchanged when that is the login user already. */
    static HostTarget apply(HostTarget target, Become become) {
        if (become == null || become.user().equals(target.user())) return target;
        return target.withBecome(become);
    }

    private static Object first(Map<String, Object> vars, List<String> names, UnaryOperator<Object> render) {
        for (String n : names) {
            Object v = vars.get(n);
            if (v != null) return render.apply(v);
        }
        return null;
    }

    private static String text(Object fromVars, String keyword, String cli) {
        if (fromVars instanceof Map || fromVars instanceof List) {
            throw new IllegalArgumentException("a become variable must be a scalar, got: " + fromVars.getClass().getSimpleName());
        }
        if (fromVars != null && !String.valueOf(fromVars).isBlank()) return String.valueOf(fromVars);
        if (keyword != null && !keyword.isBlank()) return keyword;
        return cli;
    }

    /** Ansible's booleans: true/false, yes/no, on/off, 1/0 (any case). */
    static Boolean bool(Object v) {
        if (v == null) return null;
        if (v instanceof Boolean b) return b;
        String s = String.valueOf(v).strip().toLowerCase(Locale.ROOT);
        return switch (s) {
            case "true", "yes", "on", "1", "y" -> true;
            case "false", "no", "off", "0", "n", "" -> false;
            default -> throw new IllegalArgumentException("expected a boolean (true/false, yes/no, on/off, 1/0), got '" + v + "'");
        };
    }
}

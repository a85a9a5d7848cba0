package dev.jplay.engine.run;

/**
 * Become as the command line asks for it ({@code --become/-b}, {@code --become-user}, {@code --become-method}) and
 * the password from {@code -K} or {@code JPLAY_BECOME_PASSWORD}: what applies where neither the playbook's keywords
 * nor the inventory's {@code ansible_become*} variables say otherwise. Any field may be null/false.
 */
public record BecomeDefaults(boolean become, String user, String method, String password) {
    public static final BecomeDefaults NONE = new BecomeDefaults(false, null, null, null);

    /** The environment variable CI runs put the become password in (what -K would ask for). */
    public static final String PASSWORD_ENV = "JPLAY_BECOME_PASSWORD";

    @Override
    public String toString() { // never print the password
        return "BecomeDefaults[become=" + become + ", user=" + user + ", method=" + method
                + (password == null ? "" : ", password=***") + "]";
    }
}

package dev.jplay.engine.connection;

import dev.jplay.engine.playbook.Become;
import dev.jplay.protocol.Step;
import java.util.Locale;
import java.util.Map;

/**
 * Why the agent could not be started as the become user, from what sudo (su, doas) said: each cause its own
 * stable code in step {@code become}, with the fix in the message. Never sees the password (sudo does not echo it).
 */
final class BecomeFailure {
    static final String WRONG_PASSWORD = "BECOME_WRONG_PASSWORD";
    static final String REQUIRES_TTY = "BECOME_REQUIRES_TTY";
    static final String NOT_ALLOWED = "BECOME_NOT_ALLOWED";
    static final String PASSWORD_REQUIRED = "BECOME_PASSWORD_REQUIRED";
    static final String METHOD_MISSING = "BECOME_METHOD_MISSING";
    static final String JAVA_UNUSABLE = "BECOME_JAVA_UNUSABLE";
    static final String FAILED = "BECOME_FAILED";

    private BecomeFailure() {}

    /** The failure for sudo's (or su's, doas's) own words {@code said}. */
    static ConnectionException of(HostTarget target, String said) {
        Become b = target.become();
        String text = said == null ? "" : said.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        String who = "user " + target.user() + " cannot " + b.method() + " to " + b.user();
        String code;
        String why;
        if (text.startsWith(BecomeScripts.JAVA_UNUSABLE)) {
            code = JAVA_UNUSABLE;
            why = who + " and run the agent there: " + b.user() + " cannot execute the java the login user's agent runs on"
                    + " (a runtime jplay pushes lives in the login user's private ~/.jplay/runtime, usable by root only):"
                    + " install Java 17+ on the host's PATH, or set 'jplay_java' to a java " + b.user() + " can execute";
        } else if (lower.contains("incorrect password") || lower.contains("sorry, try again") || lower.contains("authentication failure")) {
            code = WRONG_PASSWORD;
            why = who + ": the become password was refused (check -K, JPLAY_BECOME_PASSWORD or ansible_become_password)";
        } else if (lower.contains("must have a tty") || lower.contains("requiretty") || lower.contains("must be run from a terminal")) {
            code = REQUIRES_TTY;
            why = who + ": " + b.method() + " requires a terminal on this host (remove 'Defaults requiretty' from its sudoers"
                    + " or add 'Defaults:" + target.user() + " !requiretty')";
        } else if (lower.contains("not in the sudoers") || lower.contains("not allowed to execute") || lower.contains("may not run sudo")
                || lower.contains("not permitted") || lower.contains("operation not permitted")) {
            code = NOT_ALLOWED;
            why = who + ": the host's " + (b.method().equals("sudo") ? "sudoers" : b.method() + " rules") + " do not allow it";
        } else if (lower.contains("password is required") || lower.contains("authorization required")) {
            code = PASSWORD_REQUIRED;
            why = who + " without a password: give it with -K/--ask-become-pass, JPLAY_BECOME_PASSWORD or ansible_become_password";
        } else if (lower.contains("not found") && (lower.contains("sudo") || lower.contains("doas") || lower.contains("su:"))) {
            code = METHOD_MISSING;
            why = who + ": " + b.method() + " is not installed on the host";
        } else {
            code = FAILED;
            why = who;
        }
        return new ConnectionException(target.describe(), Step.BECOME, code, why + (text.isEmpty() ? "" : " (" + b.method() + ": " + text + ")"),
                null, text.isEmpty() ? Map.of() : Map.of("said", text, "method", b.method(), "become_user", b.user()));
    }

    static ConnectionException passwordRequired(HostTarget target) {
        return of(target, "a password is required");
    }
}

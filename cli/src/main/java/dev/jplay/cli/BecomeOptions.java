package dev.jplay.cli;

import dev.jplay.engine.run.BecomeDefaults;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Privilege escalation on the command line, as Ansible spells it; a picocli mixin. The password comes from
 * {@code -K} (asked on the terminal without echo, or read as one line from stdin when there is none) or from
 * {@value BecomeDefaults#PASSWORD_ENV}; it is never an option value, so never in a process list.
 */
final class BecomeOptions {
    @Option(names = {"-b", "--become"}, description = "Run tasks as the become user (root by default) unless they say otherwise.")
    boolean become;

    @Option(names = "--become-user", paramLabel = "USER", description = "The user to become (default: root).")
    String becomeUser;

    @Option(names = "--become-method", paramLabel = "METHOD", description = "sudo (default), su or doas.")
    String becomeMethod;

    @Option(names = {"-K", "--ask-become-pass"}, description = "Ask for the become (sudo) password.")
    boolean askBecomePass;

    /** The settings these options and the environment ask for; asks for the password when -K was given. */
    BecomeDefaults defaults(Map<String, String> env) throws IOException {
        String password = askBecomePass ? ask() : env.get(BecomeDefaults.PASSWORD_ENV);
        if (password != null && password.isEmpty()) password = null;
        if (becomeMethod != null && !dev.jplay.engine.playbook.Become.METHODS.contains(becomeMethod)) {
            throw new IllegalArgumentException("--become-method must be sudo, su or doas, got '" + becomeMethod + "'");
        }
        return new BecomeDefaults(become, becomeUser, becomeMethod, password);
    }

    private static String ask() throws IOException {
        Console console = System.console();
        if (console != null) {
            char[] pw = console.readPassword("BECOME password: ");
            return pw == null ? null : new String(pw);
        }
        // No terminal (a pipe, CI): one line from stdin.
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        return in.readLine();
    }
}

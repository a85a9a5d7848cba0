package dev.jplay.cli;

import dev.jplay.engine.playbook.VarsPrompter;
import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import java.io.Console;
import java.util.Map;

/**
 * {@code vars_prompt} on the terminal, as ansible-playbook asks: a variable given with {@code -e} is not asked;
 * {@code private} answers are read without echo and kept out of the run's files like vault values; an empty answer takes the default. Without a terminal (CI, a pipe)
 * a prompt is an error naming the variable and how to give it, where Ansible would wait on a closed stdin.
 */
final class TerminalPrompter implements VarsPrompter {
    private final Map<String, Object> extraVars;

    TerminalPrompter(Map<String, Object> extraVars) {
        this.extraVars = extraVars;
    }

    @Override
    public Object answer(String name, String prompt, boolean secret, Object defaultValue, boolean confirm, Location at) {
        if (extraVars.containsKey(name)) return extraVars.get(name);
        Console console = System.console();
        if (console == null) {
            throw new PlaybookException(at, "vars_prompt '" + name + "' needs a terminal to ask on and there is none:"
                    + " give it with -e " + name + "=VALUE");
        }
        String shown = prompt + (defaultValue != null && !secret ? " [" + defaultValue + "]" : "") + ": ";
        while (true) {
            String value = read(console, shown, secret);
            if (secret) dev.jplay.engine.vault.VaultSecrets.installed().remember(value); // hidden from the run's files
            if (value.isEmpty() && defaultValue != null) return defaultValue;
            if (!confirm) return value;
            String again = read(console, "confirm " + prompt + ": ", secret);
            if (again.equals(value)) return value;
            console.printf("***** VALUES ENTERED DO NOT MATCH ****%n");
        }
    }

    private static String read(Console console, String prompt, boolean secret) {
        if (secret) {
            char[] pw = console.readPassword("%s", prompt);
            return pw == null ? "" : new String(pw);
        }
        String line = console.readLine("%s", prompt);
        return line == null ? "" : line;
    }
}

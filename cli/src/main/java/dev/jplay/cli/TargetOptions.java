package dev.jplay.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which hosts a playbook command works on and its extra vars ({@code -i}, {@code -e}, {@code -l}); a picocli mixin. */
final class TargetOptions {
    @Option(names = {"-i", "--inventory"}, paramLabel = "SOURCE",
            description = "Inventory file, directory, script, or comma-separated host list (repeatable). Default: localhost.")
    List<String> inventory = new ArrayList<>();

    @Option(names = {"-e", "--extra-vars"}, paramLabel = "VARS", description = "k=v pairs, JSON, or @file (repeatable; highest precedence).")
    List<String> extraVars = new ArrayList<>();

    @Option(names = {"-l", "--limit"}, paramLabel = "PATTERN", description = "Further limit the hosts with a pattern.")
    String limit;

    /** The inventory sources given, or the local host when none was. */
    List<String> inventorySources() {
        return inventory.isEmpty() ? List.of("localhost,") : inventory;
    }
}

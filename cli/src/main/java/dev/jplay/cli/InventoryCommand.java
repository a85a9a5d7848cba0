package dev.jplay.cli;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.inventory.Inventory;
import dev.jplay.inventory.InventoryException;
import dev.jplay.inventory.InventoryJson;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jplay inventory -i INV --list | --graph [GROUP] | --host NAME}: the same output as ansible-inventory. */
@Command(name = "inventory", mixinStandardHelpOptions = true,
        description = "Show the resolved inventory, in the shapes of ansible-inventory.")
public final class InventoryCommand implements Callable<Integer> {
    @Option(names = {"-i", "--inventory"}, paramLabel = "SOURCE", required = true,
            description = "Inventory file, directory, script, or comma-separated host list (repeatable).")
    List<String> inventory = new ArrayList<>();

    @ArgGroup(exclusive = true, multiplicity = "1")
    Action action;

    @picocli.CommandLine.Mixin
    VaultOptions vaultOptions;

    static final class Action {
        @Option(names = "--list", description = "All groups and hosts as JSON (with _meta.hostvars).")
        boolean list;

        @Option(names = "--graph", description = "The group tree.")
        boolean graph;

        @Option(names = "--host", paramLabel = "NAME", description = "One host's variables as JSON.")
        String host;
    }

    @Override
    public Integer call() {
        try {
            vaultOptions.install(System.getenv()); // vaulted group_vars
            Inventory inv = Inventory.load(inventory);
            InventoryJson out = new InventoryJson(inv);
            if (action.list) System.out.println(out.list());
            else if (action.graph) System.out.print(out.graph());
            else {
                if (inv.host(action.host).isEmpty()) {
                    System.err.println("jplay: no host named '" + action.host + "' in " + String.join(", ", inventory));
                    return ExitCodes.BAD_INPUT;
                }
                System.out.println(out.host(action.host));
            }
            for (String w : inv.warnings()) System.err.println("[WARNING]: " + w);
            return ExitCodes.OK;
        } catch (InventoryException | IllegalArgumentException | dev.jplay.engine.vault.VaultException e) {
            System.err.println("jplay: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        }
    }
}

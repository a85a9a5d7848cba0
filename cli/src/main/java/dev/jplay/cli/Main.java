package dev.jplay.cli;

import dev.jplay.engine.run.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code jplay} command. */
@Command(name = "jplay", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Deploys and rolls out containerized apps across a fleet of Linux hosts over SSH.",
        subcommands = {ApplyCommand.class, PlanCommand.class, InventoryCommand.class, ReportCommand.class,
                ScheduleCommand.class, SchedulerRunCommand.class, HistoryCommand.class, DevCommand.class, RollbackCommand.class, PsCommand.class, SetupCommand.class,
                LogsCommand.class,
                VaultCommand.class,
                ExecCommand.class, StateCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
                "0:every host ok",
                "1:bad input (playbook, inventory, options): nothing was run",
                "2:a host failed a task",
                "3:interrupted",
                "4:a host was unreachable (6 = failed and unreachable)",
                "70:internal error"})
public final class Main implements Runnable {
    public static final String VERSION = "0.1.0";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("jplay: internal error: " + ex);
            ex.printStackTrace(cmd.getErr());
            return ExitCodes.INTERNAL;
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println("jplay: " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return ExitCodes.BAD_INPUT;
        });
        return cl.execute(args);
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jplay " + VERSION + " (Java " + System.getProperty("java.version") + ")"};
        }
    }
}

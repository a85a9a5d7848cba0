package dev.jplay.cli;

import dev.jplay.engine.run.ExitCodes;
import dev.jplay.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jplay setup -i INV}: prepares hosts for containers. Runs a one-task playbook ({@code host_setup} on every
 * host of the inventory, or {@code --limit}) through {@code apply}, so it reports, journals and exits like any run:
 * per host, ok (nothing lacked) or changed (what it installed, in the result's message and report), and with
 * {@code --check} what it would install. Installing needs root: use {@code -b} (and {@code -K} for a sudo password).
 */
@Command(name = "setup", mixinStandardHelpOptions = true,
        description = "Install what hosts lack to run containers (runc, CNI plugins, setfattr) with their package manager.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every host ok", "1:bad input", "2:a host failed", "3:interrupted",
                "4:a host unreachable (6 = both)", "70:internal error"})
public final class SetupCommand implements Callable<Integer> {
    /** Where the generated playbook is written (the report names it); into --report-dir when given. */
    static final Path PLAYBOOK = Path.of(".jplay", "setup.yml");

    @Mixin
    TargetOptions targets;

    @Mixin
    SshOptions sshOptions;

    @Mixin
    BecomeOptions becomeOptions;

    @Option(names = {"-C", "--check"}, description = "List what would be installed; install nothing.")
    boolean check;

    @Option(names = "--cni-plugins", split = ",", paramLabel = "NAME",
            description = "CNI plugins the hosts need (default: bridge,static,loopback: what jplay's networks use).")
    List<String> cniPlugins = new ArrayList<>();

    @Option(names = "--tools", split = ",", paramLabel = "NAME", description = "Also these programs: iptables, nft.")
    List<String> tools = new ArrayList<>();

    @Option(names = {"-f", "--forks"}, defaultValue = "50", description = "Hosts worked on at once (default: ${DEFAULT-VALUE}).")
    int forks;

    @Option(names = "--json", description = "Stream JSON events on stdout instead of human output.")
    boolean json;

    @Option(names = "--report-dir", paramLabel = "DIR", description = "Write report.json and events.jsonl here.")
    Path reportDir;

    @Override
    public Integer call() {
        Path playbook = reportDir != null ? reportDir.resolve("setup.yml") : PLAYBOOK;
        try {
            writeAtomically(playbook, playbook(cniPlugins, tools));
        } catch (IOException e) {
            System.err.println("jplay: cannot write " + playbook + ": " + e.getMessage());
            return ExitCodes.INTERNAL;
        }
        return Main.execute(applyArgs(playbook).toArray(String[]::new));
    }

    /** The same run as {@code jplay apply PLAYBOOK} with these options. */
    List<String> applyArgs(Path playbook) {
        List<String> args = new ArrayList<>(List.of("apply", playbook.toString()));
        for (String i : targets.inventory) args.addAll(List.of("-i", i));
        for (String e : targets.extraVars) args.addAll(List.of("-e", e));
        if (targets.limit != null) args.addAll(List.of("-l", targets.limit));
        if (sshOptions.knownHosts != null) args.addAll(List.of("--known-hosts", sshOptions.knownHosts.toString()));
        args.addAll(List.of("--host-key-checking", sshOptions.hostKeyChecking,
                "--connect-timeout", String.valueOf(sshOptions.connectTimeout), "-f", String.valueOf(forks)));
        if (becomeOptions.become) args.add("-b");
        if (becomeOptions.becomeUser != null) args.addAll(List.of("--become-user", becomeOptions.becomeUser));
        if (becomeOptions.becomeMethod != null) args.addAll(List.of("--become-method", becomeOptions.becomeMethod));
        if (becomeOptions.askBecomePass) args.add("-K");
        if (check) args.add("-C");
        if (json) args.add("--json");
        if (reportDir != null) args.addAll(List.of("--report-dir", reportDir.toString()));
        return args;
    }

    /** One play on all hosts, one host_setup task, no facts: YAML flow lists keep names verbatim. */
    static String playbook(List<String> cniPlugins, List<String> tools) {
        StringBuilder y = new StringBuilder("# Written by jplay setup: prepares the hosts for containers.\n"
                + "- name: prepare hosts for containers\n  hosts: all\n  gather_facts: false\n  tasks:\n    - name: host_setup\n      host_setup:\n");
        y.append("        cni_plugins: ").append(cniPlugins.isEmpty() ? "null" : flow(cniPlugins)).append('\n');
        y.append("        tools: ").append(flow(tools)).append('\n');
        return y.toString();
    }

    private static String flow(List<String> names) {
        List<String> quoted = new ArrayList<>();
        for (String n : names) quoted.add("\"" + n.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        return "[" + String.join(", ", quoted) + "]";
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8), AtomicFiles.Option.CREATE_DIRECTORIES,
                AtomicFiles.Option.OWNER_ONLY);
    }
}

package dev.jplay.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.playbook.Playbook;
import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.engine.run.BecomeDefaults;
import dev.jplay.engine.run.PlaybookRunner;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** jplay setup's playbook and the apply run it stands for; the become password from the environment. */
class SetupCommandTest {
    @Test
    void thePlaybookIsOneHostSetupTaskOnAllHosts() {
        Playbook pb = new PlaybookParser(PlaybookRunner.knownModules())
                .parse(SetupCommand.playbook(List.of("bridge", "we\"ird"), List.of("nft")), Path.of("/x/setup.yml"));
        assertEquals("all", pb.plays().get(0).hosts());
        ModuleTask t = (ModuleTask) pb.plays().get(0).tasks().get(0);
        assertEquals("host_setup", t.module());
        assertEquals(List.of("bridge", "we\"ird"), t.args().get("cni_plugins"));
        assertEquals(List.of("nft"), t.args().get("tools"));
        ModuleTask defaults = (ModuleTask) new PlaybookParser(PlaybookRunner.knownModules())
                .parse(SetupCommand.playbook(List.of(), List.of()), Path.of("/x/setup.yml")).plays().get(0).tasks().get(0);
        assertNull(defaults.args().get("cni_plugins"), "the module's defaults");
    }

    @Test
    void itsOptionsBecomeApplyOptions() {
        SetupCommand setup = new SetupCommand();
        new CommandLine(setup).parseArgs("-i", "inv.yml", "-l", "web*", "-b", "-K", "--become-user", "admin", "--check",
                "--known-hosts", "kh", "--connect-timeout", "3", "--report-dir", "out");
        assertEquals(Arrays.asList("apply", "out/setup.yml", "-i", "inv.yml", "-l", "web*", "--known-hosts", "kh",
                        "--host-key-checking", "strict", "--connect-timeout", "3", "-f", "50", "-b", "--become-user", "admin",
                        "-K", "-C", "--report-dir", "out"),
                setup.applyArgs(Path.of("out", "setup.yml")));
    }

    @Test
    void theBecomePasswordFromTheEnvironmentUnlessAsked() throws Exception {
        BecomeOptions o = new BecomeOptions();
        new CommandLine(o).parseArgs("-b");
        BecomeDefaults d = o.defaults(Map.of(BecomeDefaults.PASSWORD_ENV, "from-env"));
        assertEquals(new BecomeDefaults(true, null, null, "from-env"), d);
        assertNull(o.defaults(Map.of(BecomeDefaults.PASSWORD_ENV, "")).password(), "empty: none");
    }
}

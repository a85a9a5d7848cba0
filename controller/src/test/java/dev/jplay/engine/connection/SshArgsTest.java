package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.connection.SshEndpoint.JumpHost;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SshArgsTest {
    @Test
    void proxyJumpFromDashOAndDashJ() {
        assertEquals("debian@10.0.0.1", SshArgs.parse("-o ProxyJump=debian@10.0.0.1").get("proxyjump"));
        assertEquals("gw:2222", SshArgs.parse("-oProxyJump=gw:2222").get("proxyjump"));
        assertEquals("a,b", SshArgs.parse("-o 'ProxyJump a,b'").get("proxyjump"));
        assertEquals("u@gw", SshArgs.parse("-J u@gw").get("proxyjump"));
        assertEquals("u@gw", SshArgs.parse("-Ju@gw -J other").get("proxyjump"), "the first value wins, as in ssh");
    }

    @Test
    void otherOptionsAreKeptOrSkippedWithTheirArguments() {
        SshConfig.Options o = SshArgs.parse("-o UserKnownHostsFile=/k -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes"
                + " -F /etc/x -p 2200 -l deploy -i /keys/a -o IdentityFile=/keys/b -C -o \"ProxyCommand=ssh -W %h:%p gw\"");
        assertEquals("yes", o.get("identitiesonly"));
        assertEquals("2200", o.get("port"));
        assertEquals("deploy", o.get("user"));
        assertEquals(List.of("/keys/a", "/keys/b"), o.identityFiles());
        assertEquals("ssh -W %h:%p gw", o.get("proxycommand"));
        assertEquals("/k", o.get("userknownhostsfile"), "the host's known_hosts file");
        assertNull(o.get("stricthostkeychecking"), "options jplay does not use are not kept");
        assertEquals(Map.of(), SshArgs.parse("").values());
    }

    @Test
    void malformedArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> SshArgs.parse("-o 'ProxyJump=x"));
        assertThrows(IllegalArgumentException.class, () -> SshArgs.parse("-J"));
        assertThrows(IllegalArgumentException.class, () -> SshArgs.parse("-o ProxyJump"));
    }

    @Test
    void shellWordsQuoteAndEscape() {
        assertEquals(List.of("a b", "c\"d", "e f", "g"), SshArgs.shellWords("'a b' \"c\\\"d\" e\\ f   g"));
    }

    @Test
    void jumpHostSpecs() {
        assertEquals(List.of(new JumpHost("debian", "10.0.0.1", 0)), JumpHost.parseList("debian@10.0.0.1"));
        assertEquals(List.of(new JumpHost(null, "gw", 2222), new JumpHost("u", "fd00::1", 22)),
                JumpHost.parseList("gw:2222,ssh://u@[fd00::1]:22"));
        assertEquals(List.of(), JumpHost.parseList("none"));
        assertThrows(IllegalArgumentException.class, () -> JumpHost.parseList("gw:99999"));
        assertThrows(IllegalArgumentException.class, () -> JumpHost.parseList("@gw"));
    }

    @Test
    void theClassicBastionProxyCommandIsAJumpHostAndOthersAreRefused() {
        JumpHost hop = JumpHost.fromProxyCommand("ssh -W %h:%p -i /k/client -o UserKnownHostsFile=/k/known -o IdentitiesOnly=yes"
                + " debian@10.0.0.11");
        assertEquals(new JumpHost("debian", "10.0.0.11", 0, List.of("/k/client")), hop);
        assertEquals(new JumpHost("ops", "gw", 2200), JumpHost.fromProxyCommand("exec /usr/bin/ssh -l ops -p 2200 -q -W %h:%p gw"));
        assertNull(JumpHost.fromProxyCommand("nc -x proxy:1080 %h %p"), "not ssh");
        assertNull(JumpHost.fromProxyCommand("ssh gw nc %h %p"), "a remote command, not -W");
        assertNull(JumpHost.fromProxyCommand("ssh -W other:22 gw"), "forwards somewhere else");
        HostTarget viaCommand = new HostTarget("h", "10.0.0.13", 22, "debian", List.of(), null, HostTarget.Kind.SSH)
                .withSshArgs(SshArgs.parse("-o StrictHostKeyChecking=yes -o ProxyCommand=\"ssh -W %h:%p -i /k/client debian@10.0.0.11\""));
        SshEndpoint e = SshEndpoint.of(viaCommand, SshSettings.defaults(), SshConfig.empty());
        assertEquals(List.of(new JumpHost("debian", "10.0.0.11", 0, List.of("/k/client"))), e.jumps());
        SshEndpoint bastion = SshEndpoint.jump(e.jumps().get(0), e, SshConfig.empty());
        assertEquals("debian@10.0.0.11:22", bastion.describe());
        assertEquals(List.of(Path.of("/k/client")), bastion.identityFiles());
    }

    @Test
    void endpointPrecedenceInventoryThenCliThenArgsThenConfig() throws Exception {
        SshConfig config = SshConfig.parse("Host web\n  HostName 10.9.9.9\n  User cfg\n  Port 2022\n  IdentityFile /cfg/key\n"
                + "  ProxyJump cfg-gw\n  IdentityAgent none\n", Path.of("config"));
        SshSettings settings = SshSettings.defaults().withAgentSocket(Path.of("/run/agent.sock")).withKeyPassphrase("pw");
        HostTarget open = new HostTarget("web", "web", 0, null, List.of(), null, HostTarget.Kind.SSH);
        SshEndpoint e = SshEndpoint.of(open, settings, config);
        assertEquals("10.9.9.9", e.address());
        assertEquals(2022, e.port());
        assertEquals("cfg", e.user());
        assertEquals(List.of(Path.of("/cfg/key")), e.identityFiles());
        assertEquals(List.of(new JumpHost(null, "cfg-gw", 0)), e.jumps());
        assertNull(e.agentSocket(), "IdentityAgent none");
        assertEquals("pw", e.passphrase());
        assertTrue(!e.toString().contains("pw"), e.toString());

        SshEndpoint cli = SshEndpoint.of(open, settings.withRemoteUser("cli"), config);
        assertEquals("cli", cli.user(), "-u beats ssh_config's User");

        HostTarget set = new HostTarget("web", "web", 22, "inv", List.of(Path.of("/inv/key")), null, HostTarget.Kind.SSH)
                .withSshArgs(SshArgs.parse("-J args-gw -o IdentityAgent=SSH_AUTH_SOCK"));
        SshEndpoint s = SshEndpoint.of(set, settings.withRemoteUser("cli"), config);
        assertEquals(22, s.port());
        assertEquals("inv", s.user());
        assertEquals(List.of(Path.of("/inv/key"), Path.of("/cfg/key")), s.identityFiles(), "command line first, then config");
        assertEquals(List.of(new JumpHost(null, "args-gw", 0)), s.jumps());
        assertEquals(Path.of("/run/agent.sock"), s.agentSocket());

        HostTarget viaCommand = open.withSshArgs(SshArgs.parse("-o 'ProxyCommand nc %h %p'"));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> SshEndpoint.of(viaCommand, settings, SshConfig.empty()));
        assertTrue(refused.getMessage().contains("ProxyJump"), refused.getMessage());
    }

    @Test
    void knownHostsFileCliThenHostThenConfigThenDefault() throws Exception {
        SshConfig config = SshConfig.parse("Host web\n  UserKnownHostsFile ~/cfg_known /also\n"
                + "Host gw\n  UserKnownHostsFile %h_known\n", Path.of("config"));
        HostTarget open = new HostTarget("web", "web", 0, null, List.of(), null, HostTarget.Kind.SSH);
        assertEquals(Path.of(System.getProperty("user.home"), "cfg_known"),
                SshEndpoint.of(open, SshSettings.defaults(), config).knownHosts(), "ssh_config's first UserKnownHostsFile");
        assertEquals(SshSettings.DEFAULT_KNOWN_HOSTS, SshEndpoint.of(open, SshSettings.defaults(), SshConfig.empty()).knownHosts());

        HostTarget withArgs = open.withSshArgs(SshArgs.parse("-o UserKnownHostsFile=/inv/known_hosts -J gw"));
        SshEndpoint e = SshEndpoint.of(withArgs, SshSettings.defaults(), config);
        assertEquals(Path.of("/inv/known_hosts"), e.knownHosts(), "the host's ssh args beat ssh_config");
        SshEndpoint gw = SshEndpoint.jump(e.jumps().get(0), e, config);
        assertEquals(Path.of("gw_known"), gw.knownHosts(), "a bastion's own UserKnownHostsFile, tokens expanded");
        assertEquals(Path.of("/inv/known_hosts"), SshEndpoint.jump(e.jumps().get(0), e, SshConfig.empty()).knownHosts(),
                "else the target's");

        SshEndpoint cli = SshEndpoint.of(withArgs, SshSettings.defaults().withKnownHosts(Path.of("/cli/known")), config);
        assertEquals(Path.of("/cli/known"), cli.knownHosts(), "--known-hosts beats everything");
    }
}

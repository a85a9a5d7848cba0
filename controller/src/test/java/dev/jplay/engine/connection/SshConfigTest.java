package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshConfigTest {
    @TempDir
    Path dir;

    @Test
    void globsMatchLikeOpenSsh() {
        assertTrue(SshConfig.glob("*.example.com", "web1.example.com"));
        assertFalse(SshConfig.glob("*.example.com", "example.com"));
        assertTrue(SshConfig.glob("web?", "WEB1"), "host names compare case-insensitively");
        assertFalse(SshConfig.glob("web?", "web12"));
        assertTrue(SshConfig.glob("10.0.*.1*", "10.0.3.17"));
        assertTrue(SshConfig.glob("*", "anything"));
    }

    @Test
    void aNegatedPatternRejectsTheBlockEvenWhenAnotherMatches() {
        assertTrue(SshConfig.matchesPatterns(List.of("*.corp", "!db.corp"), "web.corp"));
        assertFalse(SshConfig.matchesPatterns(List.of("*.corp", "!db.corp"), "db.corp"));
        assertFalse(SshConfig.matchesPatterns(List.of("!db.corp"), "web.corp"), "only negations never match");
    }

    @Test
    void firstValueWinsPerOptionAndIdentityFilesAddUp() throws Exception {
        SshConfig c = SshConfig.parse("""
                # comment
                Host web-* !web-old
                  HostName %h.internal
                  User deploy
                  IdentityFile ~/.ssh/web
                Host web-1
                  User someone-else
                  Port 2222
                  IdentityFile=/keys/one
                Host *
                  User fallback
                  Port 22
                  ProxyJump bastion.example.com
                  IdentitiesOnly yes
                """, dir.resolve("config"));
        SshConfig.Options web1 = c.lookup("web-1");
        assertEquals("%h.internal", web1.get("HostName"));
        assertEquals("deploy", web1.get("user"), "the first obtained value wins");
        assertEquals("2222", web1.get("port"));
        assertEquals(List.of("~/.ssh/web", "/keys/one"), web1.identityFiles());
        assertEquals("bastion.example.com", web1.get("proxyjump"));
        assertEquals("yes", web1.get("identitiesonly"));
        SshConfig.Options old = c.lookup("web-old");
        assertEquals("fallback", old.get("user"), "negated out of the web-* block");
        assertNull(old.get("hostname"));
        assertEquals(List.of(), old.identityFiles());
    }

    @Test
    void optionsBeforeTheFirstHostApplyEverywhereAndMatchBlocksAreSkipped() throws Exception {
        SshConfig c = SshConfig.parse("""
                User early
                Match exec "test -f /nonexistent"
                  Port 1
                Match all
                  Port 2200
                """, dir.resolve("config"));
        assertEquals("early", c.lookup("x").get("user"));
        assertEquals("2200", c.lookup("x").get("port"), "Match all is Host *; other Match conditions never apply");
    }

    @Test
    void includeReadsFilesInOrderAndKeepsTheIncludingHostBlock() throws Exception {
        Path confd = Files.createDirectories(dir.resolve("conf.d"));
        Files.writeString(confd.resolve("10-a.conf"), "Host a\n  User from-a\n");
        Files.writeString(confd.resolve("20-b.conf"), "Host b\n  User from-b\n");
        Files.writeString(dir.resolve("inner"), "Port 2022\n");
        Path main = Files.writeString(dir.resolve("config"), "Include " + confd + "/*.conf\nHost c\n  Include " + dir.resolve("inner")
                + "\n  User from-c\n");
        SshConfig c = SshConfig.load(main);
        assertEquals("from-a", c.lookup("a").get("user"));
        assertEquals("from-b", c.lookup("b").get("user"));
        assertEquals("2022", c.lookup("c").get("port"), "the included file's leading options belong to Host c");
        assertEquals("from-c", c.lookup("c").get("user"), "options after the Include are still Host c's");
        assertNull(c.lookup("a").get("port"));
    }

    @Test
    void quotedValuesProxyCommandAndMistakesNamedByLine() throws Exception {
        SshConfig c = SshConfig.parse("Host q\n  IdentityFile \"/path with spaces/key\"\n  ProxyCommand ssh -W %h:%p gw\n", dir.resolve("config"));
        assertEquals(List.of("/path with spaces/key"), c.lookup("q").identityFiles());
        assertEquals("ssh -W %h:%p gw", c.lookup("q").get("proxycommand"));
        SshConfig.SshConfigException e = assertThrows(SshConfig.SshConfigException.class,
                () -> SshConfig.parse("Host a\n  User one two\n", dir.resolve("config")));
        assertTrue(e.getMessage().startsWith(dir.resolve("config") + ":2: "), e.getMessage());
        assertThrows(SshConfig.SshConfigException.class, () -> SshConfig.parse("Host\n", dir.resolve("config")));
    }

    @Test
    void aMissingFileIsAnEmptyConfiguration() throws Exception {
        assertEquals(List.of(), SshConfig.load(dir.resolve("absent")).lookup("h").identityFiles());
    }

    @Test
    void tokensExpand() {
        String home = System.getProperty("user.home");
        assertEquals(home + "/.ssh/id_web_deploy_22", SshConfig.expandTokens("~/.ssh/id_%h_%r_%p", "web", "deploy", 22));
        assertEquals(home + "/x%", SshConfig.expandTokens("%d/x%%", "h", "u", 22));
    }
}

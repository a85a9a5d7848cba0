package dev.jplay.engine.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.playbook.Become;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.playbook.BecomeKeywords;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Whom a task runs as: host vars over keywords over the command line; no second agent for the login user. */
class BecomeResolverTest {
    private static final BecomeKeywords ON = new BecomeKeywords(true, null, null, null);

    private static Become resolve(BecomeKeywords kw, Map<String, Object> vars, BecomeDefaults cli) {
        return BecomeResolver.resolve(kw, vars, cli, v -> v);
    }

    @Test
    void offUnlessAKeywordAVariableOrTheCommandLineTurnsItOn() {
        assertNull(resolve(BecomeKeywords.NONE, Map.of(), BecomeDefaults.NONE));
        assertEquals(Become.root(), resolve(ON, Map.of(), BecomeDefaults.NONE));
        assertEquals(Become.root(), resolve(BecomeKeywords.NONE, Map.of("ansible_become", "yes"), BecomeDefaults.NONE));
        assertEquals(Become.root(), resolve(BecomeKeywords.NONE, Map.of(), new BecomeDefaults(true, null, null, null)));
        assertNull(resolve(new BecomeKeywords(false, null, null, null), Map.of(), new BecomeDefaults(true, null, null, null)),
                "the keyword over -b");
        assertNull(resolve(ON, Map.of("ansible_become", false), BecomeDefaults.NONE), "a host variable over the keyword (Ansible)");
    }

    @Test
    void eachSettingFromTheFirstThatSetsIt() {
        BecomeDefaults cli = new BecomeDefaults(true, "cliuser", "doas", "cli-pw");
        Become b = resolve(new BecomeKeywords(true, "kwuser", "su", "-H"), Map.of(), cli);
        assertEquals(new Become("kwuser", "su", "-H", "cli-pw", null), b);
        Become v = resolve(new BecomeKeywords(true, "kwuser", null, null),
                Map.of("ansible_become_user", "varuser", "jplay_become_method", "sudo", "ansible_become_pass", "var-pw",
                        "jplay_become_state_dir", "/srv/jplay"), cli);
        assertEquals(new Become("varuser", "sudo", null, "var-pw", "/srv/jplay"), v);
        assertEquals("cli-pw", resolve(ON, Map.of(), cli).password(), "-K or JPLAY_BECOME_PASSWORD");
        assertEquals("p1", resolve(ON, Map.of("ansible_become_password", "p1", "ansible_become_pass", "p2"), cli).password());
    }

    @Test
    void templatedVariablesAreRendered() {
        Become b = BecomeResolver.resolve(ON, Map.of("ansible_become_password", "{{ vault_pw }}"), BecomeDefaults.NONE,
                v -> "{{ vault_pw }}".equals(v) ? "from-vault" : v);
        assertEquals("from-vault", b.password());
    }

    @Test
    void badValuesAreRefusedWithoutEchoingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> resolve(BecomeKeywords.NONE, Map.of("ansible_become", "perhaps"), BecomeDefaults.NONE));
        assertTrue(e.getMessage().contains("boolean"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> resolve(ON, Map.of("ansible_become_method", "runas"), BecomeDefaults.NONE));
        IllegalArgumentException pw = assertThrows(IllegalArgumentException.class,
                () -> resolve(ON, Map.of("ansible_become_password", List.of("secret-in-a-list")), BecomeDefaults.NONE));
        assertFalse(pw.getMessage().contains("secret-in-a-list"), pw.getMessage());
    }

    @Test
    void theLoginUserNeedsNoSecondAgent() {
        HostTarget asDebian = new HostTarget("web1", "10.0.0.5", 22, "debian", List.of(Path.of("/k")), null, HostTarget.Kind.SSH);
        HostTarget asRoot = new HostTarget("web1", "10.0.0.5", 22, "root", List.of(Path.of("/k")), null, HostTarget.Kind.SSH);
        assertSame(asRoot, BecomeResolver.apply(asRoot, Become.root()), "root logging in as root");
        assertSame(asDebian, BecomeResolver.apply(asDebian, null));
        HostTarget privileged = BecomeResolver.apply(asDebian, Become.root());
        assertEquals("web1\u0000debian#become:sudo:root", privileged.sessionKey(), "its own agent session");
        assertEquals("web1\u0000debian", privileged.connectionKey(), "on the host's one connection of its login user");
        assertEquals(asDebian.sessionKey(), privileged.connectionKey(), "the login agent's connection");
        assertEquals("root", privileged.effectiveUser());
        assertEquals("web1 (10.0.0.5) as root", privileged.describe());
    }

    @Test
    void thePasswordIsNeverPrinted() {
        Become b = new Become("root", "sudo", null, "hunter2-pw", null);
        assertFalse(b.toString().contains("hunter2-pw"), b.toString());
        HostTarget t = new HostTarget("h", "a", 22, "u", List.of(), null, HostTarget.Kind.SSH).withBecome(b);
        assertFalse(t.toString().contains("hunter2-pw"), t.toString());
        assertFalse(new BecomeDefaults(true, null, null, "hunter2-pw").toString().contains("hunter2-pw"));
    }
}

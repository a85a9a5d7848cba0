package dev.jplay.engine.connection;

import dev.jplay.engine.playbook.Become;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.protocol.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

/** sudo's refusals (as sudo 1.9 on Debian words them, seen on the bare test hosts) become their own codes. */
class BecomeFailureTest {
    private static final HostTarget TARGET = new HostTarget("web1", "10.0.0.5", 22, "debian", List.of(), null,
            HostTarget.Kind.SSH).withBecome(Become.root());

    private static ConnectionException of(String said) {
        return BecomeFailure.of(TARGET, said);
    }

    @Test
    void eachRefusalHasItsCode() {
        assertEquals("BECOME_WRONG_PASSWORD", of("Sorry, try again.  sudo: no password was provided sudo: 1 incorrect password attempt").code());
        assertEquals("BECOME_REQUIRES_TTY", of("sudo: sorry, you must have a tty to run sudo").code());
        assertEquals("BECOME_NOT_ALLOWED", of("debian is not in the sudoers file.").code());
        assertEquals("BECOME_NOT_ALLOWED", of("Sorry, user debian is not allowed to execute '/bin/sh -c :' as root on web1.").code());
        assertEquals("BECOME_PASSWORD_REQUIRED", of("sudo: a password is required").code());
        assertEquals("BECOME_METHOD_MISSING", of("sh: 1: sudo: not found").code());
        assertEquals("BECOME_FAILED", of("sudo: something new").code());
    }

    @Test
    void located() {
        ConnectionException e = of("sudo: sorry, you must have a tty to run sudo");
        assertEquals(Step.BECOME, e.step());
        assertEquals("web1 (10.0.0.5) as root", e.host());
        assertTrue(e.getMessage().contains("requiretty") && e.getMessage().contains("you must have a tty"), e.getMessage());
        assertEquals("sudo", e.detail().get("method"));
    }
}

package dev.jplay.modules.accounts;

import static dev.jplay.modules.Contexts.args;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What user and group would run, from the current account and the task's arguments. */
class AccountPlansTest {
    static final Accounts.User APP = new Accounts.User("app", 1001, 1001, "", "/home/app", "/bin/sh");

    private static UserModule.Wanted wanted(Integer uid, String group, List<String> groups, boolean append, String shell) {
        return new UserModule.Wanted("app", uid, group, groups, append, shell, null, true, false, null);
    }

    @Test
    void newUserGetsOneUseradd() {
        assertEquals(List.of("useradd", "-u", "2000", "-g", "users", "-G", "adm,sudo", "-s", "/bin/bash", "-m", "app"),
                UserModule.add(wanted(2000, "users", List.of("adm", "sudo"), false, "/bin/bash")));
        assertEquals(List.of("useradd", "-M", "-r", "svc"), UserModule.add(new UserModule.Wanted("svc", null, null, null,
                false, null, null, false, true, null)));
    }

    @Test
    void existingUserChangesOnlyWhatDiffers() {
        assertEquals(List.of(), UserModule.modify(wanted(1001, null, null, false, "/bin/sh"), APP, null, Set.of()));
        assertEquals(List.of(List.of("usermod", "-s", "/bin/bash", "app")),
                UserModule.modify(wanted(null, null, null, false, "/bin/bash"), APP, null, Set.of()));
        assertEquals(List.of(List.of("usermod", "-g", "staff", "app")),
                UserModule.modify(wanted(null, "staff", null, false, null), APP, 50, Set.of()));
    }

    @Test
    void groupsWithAppendAddOnlyTheMissingWithoutAppendSetTheList() {
        assertEquals(List.of(List.of("usermod", "-a", "-G", "sudo", "app")),
                UserModule.modify(wanted(null, null, List.of("adm", "sudo"), true, null), APP, null, Set.of("adm", "audio")));
        assertEquals(List.of(), UserModule.modify(wanted(null, null, List.of("adm"), true, null), APP, null, Set.of("adm", "audio")));
        assertEquals(List.of(List.of("usermod", "-G", "adm", "app")),
                UserModule.modify(wanted(null, null, List.of("adm"), false, null), APP, null, Set.of("adm", "audio")));
        assertEquals(List.of(), UserModule.modify(wanted(null, null, List.of("b", "a"), false, null), APP, null, Set.of("a", "b")));
    }

    @Test
    void groupPlans() throws Exception {
        Accounts.Group g = Accounts.parseGroup("web:x:1500:app,ops");
        assertEquals(List.of("app", "ops"), g.members());
        assertEquals(List.of(), GroupModule.plan("web", "present", 1500, false, g));
        assertEquals(List.of(List.of("groupmod", "-g", "1600", "web")), GroupModule.plan("web", "present", 1600, false, g));
        assertEquals(List.of(List.of("groupadd", "-g", "1600", "-r", "web")), GroupModule.plan("web", "present", 1600, true, null));
        assertEquals(List.of(List.of("groupdel", "web")), GroupModule.plan("web", "absent", null, false, g));
        assertEquals(List.of(), GroupModule.plan("web", "absent", null, false, null));
    }

    /** This machine's real account database: root exists, so a check of it changes nothing; bad names are refused. */
    @Test
    void readsTheRealAccountDatabase() throws Exception {
        assertEquals(false, new UserModule().run(args("user", "name", "root", "uid", 0), Contexts.check()).isChanged());
        assertEquals(true, new GroupModule().run(args("group", "name", "jplay-no-such-group"), Contexts.check()).isChanged());
        assertEquals("ARG_VALUE", assertThrows(ModuleException.class,
                () -> new UserModule().run(args("user", "name", "-rf"), Contexts.check())).code());
    }

    @Test
    void aPasswordMustBeAHashAndIsNeverEchoed() throws Exception {
        assertEquals("$6$salt$abc/def.", UserModule.password(args("user", "password", "$6$salt$abc/def.")));
        assertEquals("$y$j9T$salt$hash", UserModule.password(args("user", "password", "$y$j9T$salt$hash")));
        assertEquals("!", UserModule.password(args("user", "password", "!")), "a lock marker, as Ansible allows");
        ModuleException plain = assertThrows(ModuleException.class,
                () -> UserModule.password(args("user", "password", "hunter2-plain")));
        assertEquals("ARG_VALUE", plain.code());
        assertFalse(plain.getMessage().contains("hunter2-plain"), plain.getMessage());
    }

    /** Check mode against this machine's root (read only): the change is predicted, the hash shown nowhere. */
    @Test
    void checkModePredictsAPasswordChangeWithoutShowingTheHash() throws Exception {
        String hash = "$6$jplaytest$" + "x".repeat(86);
        var r = new UserModule().run(args("user", "name", "root", "password", hash), Contexts.of(true, true, null));
        assertTrue(r.isChanged(), r.msg());
        String shown = r.msg() + r.diff() + r.data();
        assertFalse(shown.contains(hash) || shown.contains("jplaytest"), shown);
        assertTrue(r.msg().contains("********"), r.msg());
        assertFalse(new UserModule().run(args("user", "name", "root", "password", hash, "update_password", "on_create"),
                Contexts.check()).isChanged(), "on_create leaves an existing user's password alone");
    }
}

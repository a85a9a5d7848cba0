package dev.jplay.modules.accounts;

import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.Privileges;
import dev.jplay.modules.command.ProcessRunner;
import dev.jplay.modules.command.ToolCommands;
import dev.jplay.protocol.Step;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The host's users and groups as {@code getent} reads them (files, LDAP, whatever NSS says), and the shadow
 * tools that change them ({@code useradd}, {@code usermod}, {@code groupadd}, ...), each with a deadline.
 */
final class Accounts {
    static final Duration TIMEOUT = Duration.ofMinutes(2);

    record User(String name, int uid, int gid, String comment, String home, String shell) {}

    record Group(String name, int gid, List<String> members) {}

    private final String module;
    private final ModuleContext ctx;
    private final ToolCommands tools;

    Accounts(String module, ModuleContext ctx) {
        this.module = module;
        this.ctx = ctx;
        this.tools = new ToolCommands(module, ctx, Map.of(), TIMEOUT);
    }

    Optional<User> user(String name) throws ModuleException {
        String line = getent("passwd", name);
        if (line == null) return Optional.empty();
        String[] f = line.split(":", -1);
        return Optional.of(new User(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[4], f[5], f[6]));
    }

    Optional<Group> group(String nameOrGid) throws ModuleException {
        String line = getent("group", nameOrGid);
        if (line == null) return Optional.empty();
        return Optional.of(parseGroup(line));
    }

    static Group parseGroup(String line) {
        String[] f = line.split(":", -1);
        List<String> members = f.length > 3 && !f[3].isEmpty() ? List.of(f[3].split(",")) : List.of();
        return new Group(f[0], Integer.parseInt(f[2]), members);
    }

    /** The user's supplementary groups (not the primary one). */
    Set<String> supplementaryGroups(User u) throws ModuleException {
        ProcessRunner.Outcome o = run(List.of("id", "-Gn", u.name()));
        Set<String> out = new LinkedHashSet<>(List.of(o.stdout().strip().split("\\s+")));
        group(String.valueOf(u.gid())).ifPresent(g -> out.remove(g.name()));
        out.remove("");
        return out;
    }

    private String getent(String db, String key) throws ModuleException {
        ProcessRunner.Outcome o = run(List.of("getent", db, key));
        if (o.rc() == 2) return null; // not found
        if (o.rc() != 0) throw failed(List.of("getent", db, key), o);
        String line = o.stdout().strip();
        return line.isEmpty() ? null : line.lines().findFirst().orElse(null);
    }

    /**
     * The user's password field in the shadow database ({@code getent shadow}); empty when it cannot be read
     * (reading it needs root) or the user has no entry.
     */
    Optional<String> passwordHash(String user) throws ModuleException {
        ProcessRunner.Outcome o = run(List.of("getent", "shadow", user));
        if (o.rc() != 0) return Optional.empty();
        String[] f = o.stdout().strip().split(":", -1);
        return f.length > 1 && f[0].equals(user) ? Optional.of(f[1]) : Optional.empty();
    }

    /**
     * Sets an already-hashed password with {@code chpasswd -e}, the hash on its stdin: never in an argv that ps, the
     * task's activity or an error would show. Nothing in check mode.
     */
    void setPasswordHash(String user, String hash) throws ModuleException {
        if (ctx.check()) return;
        List<String> argv = List.of("chpasswd", "-e");
        if (Privileges.effectiveUid() != 0) {
            throw new ModuleException(Step.EXEC, "ACCOUNT_NEEDS_ROOT", module + ": setting " + user + "'s password needs"
                    + " root: add become: true (or -b)");
        }
        ProcessRunner.Outcome o = tools.run(argv, (user + ":" + hash + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (o.rc() != 0) throw failed(argv, o);
    }

    void change(List<List<String>> commands) throws ModuleException {
        if (commands.isEmpty() || ctx.check()) return;
        if (Privileges.effectiveUid() != 0) {
            throw new ModuleException(Step.EXEC, "ACCOUNT_NEEDS_ROOT", module + ": changing users and groups needs root: add"
                    + " become: true (or -b); it would run: " + String.join(" && ", commands.stream().map(c -> String.join(" ", c)).toList()));
        }
        for (List<String> c : commands) {
            ProcessRunner.Outcome o = run(c);
            if (o.rc() != 0) throw failed(c, o);
        }
    }

    private ProcessRunner.Outcome run(List<String> argv) throws ModuleException {
        return tools.run(argv);
    }

    private ModuleException failed(List<String> argv, ProcessRunner.Outcome o) {
        return tools.failed(argv, o, "ACCOUNT_COMMAND_FAILED");
    }
}

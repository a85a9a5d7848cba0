package dev.jplay.modules.accounts;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code user}: Ansible's {@code name}, {@code state} (present, absent; {@code remove} deletes the home too),
 * {@code uid}, {@code group} (primary), {@code groups} with {@code append}, {@code shell}, {@code home},
 * {@code create_home} (default true), {@code system}, {@code comment}; through useradd/usermod/userdel. Only
 * what differs is changed ({@code home} is set, not moved, as Ansible does without {@code move_home}).
 * {@code password} is an already-hashed crypt string, as Ansible takes it, compared with the shadow entry and set
 * with {@code chpasswd -e} (the hash on stdin); {@code update_password} {@code always} (default) or
 * {@code on_create}. The hash never appears in the result, the diff, an error or the activity.
 */
public final class UserModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("name", "state", "uid", "group", "groups", "append", "shell", "home",
            "create_home", "createhome", "system", "comment", "remove", "password", "update_password");

    /** What stands for the hash wherever it would show (the reports' own mask, dev.jplay.reports.Redaction.MASK). */
    static final String HIDDEN = "********";

    @Override
    public String name() { return "user"; }

    record Wanted(String name, Integer uid, String group, List<String> groups, boolean append, String shell, String home,
                  boolean createHome, boolean system, String comment) {}

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        String user = accountName(args, name());
        String state = args.string("state", "present");
        Accounts accounts = new Accounts(name(), ctx);
        Optional<Accounts.User> current = accounts.user(user);
        List<List<String>> commands;
        if (state.equals("absent")) {
            commands = current.isEmpty() ? List.of()
                    : List.of(args.bool("remove", false) ? List.of("userdel", "-r", user) : List.of("userdel", user));
        } else if (state.equals("present")) {
            Wanted w = new Wanted(user, args.has("uid") ? (int) args.number("uid", 0) : null, args.string("group", null),
                    args.has("groups") ? groups(args) : null, args.bool("append", false), args.string("shell", null),
                    args.string("home", null), args.bool("create_home", args.bool("createhome", true)),
                    args.bool("system", false), args.string("comment", null));
            if (current.isEmpty()) {
                commands = List.of(add(w));
            } else {
                Accounts.User u = current.get();
                Integer primaryGid = null;
                if (w.group() != null) {
                    primaryGid = accounts.group(w.group()).map(Accounts.Group::gid).orElseThrow(() -> new ModuleException(
                            Step.EXEC, "GROUP_UNKNOWN", "user: group '" + w.group() + "' does not exist on this host"));
                }
                Set<String> have = w.groups() == null ? Set.of() : accounts.supplementaryGroups(u);
                commands = modify(w, u, primaryGid, have);
            }
        } else {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "user: state must be present or absent, got '" + state + "'");
        }
        String password = state.equals("present") ? password(args) : null;
        String updatePassword = args.string("update_password", "always");
        if (!updatePassword.equals("always") && !updatePassword.equals("on_create")) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "user: update_password must be always or on_create, got '"
                    + updatePassword + "'");
        }
        boolean setPassword = password != null && (current.isEmpty()
                || updatePassword.equals("always") && !accounts.passwordHash(user).map(password::equals).orElse(false));
        List<String> shown = new ArrayList<>(commands.stream().map(c -> String.join(" ", c)).toList());
        if (setPassword) shown.add("chpasswd -e (" + user + "'s password: " + HIDDEN + ")");
        accounts.change(commands);
        if (setPassword) accounts.setPasswordHash(user, password);
        commands = setPassword ? concat(commands, List.of("chpasswd", "-e")) : commands;
        ModuleResult.Builder r = ModuleResult.changed(!commands.isEmpty()).put("name", user).put("state", state);
        if (password != null) r.put("password", HIDDEN);
        if (!ctx.check() && state.equals("present")) {
            accounts.user(user).ifPresent(u -> r.put("uid", u.uid()).put("group", u.gid()).put("home", u.home()).put("shell", u.shell()));
        }
        if (ctx.diff() && !commands.isEmpty()) {
            r.diff(current.map(Object::toString).orElse("absent"), String.join("; ", shown));
        }
        return r.msg(commands.isEmpty() ? "" : (ctx.check() ? "would run: " : "ran: ") + String.join("; ", shown)).build();
    }

    private static List<List<String>> concat(List<List<String>> commands, List<String> one) {
        List<List<String>> out = new ArrayList<>(commands);
        out.add(one);
        return out;
    }

    /**
     * The {@code password} argument: a crypt hash ({@code $id$...}, as {@code mkpasswd} or Ansible's
     * {@code password_hash} filter make), or a lock marker ({@code *}, {@code !...}). Ansible only warns about anything else
     * and writes it to /etc/shadow as it is, a plaintext there and a login that never works: refused here, without
     * echoing the value.
     */
    static String password(ModuleArgs args) throws ModuleException {
        String p = args.string("password", null);
        if (p == null) return null;
        boolean lock = p.equals("*") || p.startsWith("!") && !p.contains(":");
        boolean crypt = p.matches("\\$[A-Za-z0-9]+\\$[^:\\s]+");
        if (!lock && !crypt) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "user: password must be an already-hashed crypt string "
                    + "($6$..., $y$...: make one with mkpasswd -m sha-512 or openssl passwd -6), as Ansible's user module takes"
                    + " it; the value given is not one (not shown)");
        }
        if (p.contains("\n")) throw new ModuleException(Step.ARGS, "ARG_VALUE", "user: password must be one line (not shown)");
        return p;
    }

    static String accountName(ModuleArgs args, String module) throws ModuleException {
        String n = args.string("name");
        if (!n.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*\\$?") || n.length() > 32) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", module + ": not a valid account name: '" + n + "'");
        }
        return n;
    }

    private static List<String> groups(ModuleArgs args) throws ModuleException {
        List<String> out = new ArrayList<>();
        for (String s : args.strings("groups")) for (String p : s.split(",")) if (!p.isBlank()) out.add(p.strip());
        return out;
    }

    static List<String> add(Wanted w) {
        List<String> c = new ArrayList<>(List.of("useradd"));
        if (w.uid() != null) c.addAll(List.of("-u", String.valueOf(w.uid())));
        if (w.group() != null) c.addAll(List.of("-g", w.group()));
        if (w.groups() != null && !w.groups().isEmpty()) c.addAll(List.of("-G", String.join(",", w.groups())));
        if (w.shell() != null) c.addAll(List.of("-s", w.shell()));
        if (w.home() != null) c.addAll(List.of("-d", w.home()));
        if (w.comment() != null) c.addAll(List.of("-c", w.comment()));
        c.add(w.createHome() ? "-m" : "-M");
        if (w.system()) c.add("-r");
        c.add(w.name());
        return c;
    }

    /** The usermod for what differs between {@code w} and {@code u} (none: empty list). */
    static List<List<String>> modify(Wanted w, Accounts.User u, Integer primaryGid, Set<String> have) {
        List<String> c = new ArrayList<>(List.of("usermod"));
        if (w.uid() != null && w.uid() != u.uid()) c.addAll(List.of("-u", String.valueOf(w.uid())));
        if (primaryGid != null && primaryGid != u.gid()) c.addAll(List.of("-g", w.group()));
        if (w.shell() != null && !w.shell().equals(u.shell())) c.addAll(List.of("-s", w.shell()));
        if (w.home() != null && !w.home().equals(u.home())) c.addAll(List.of("-d", w.home()));
        if (w.comment() != null && !w.comment().equals(u.comment())) c.addAll(List.of("-c", w.comment()));
        if (w.groups() != null) {
            Set<String> want = new LinkedHashSet<>(w.groups());
            if (w.append()) {
                want.removeAll(have);
                if (!want.isEmpty()) c.addAll(List.of("-a", "-G", String.join(",", want)));
            } else if (!want.equals(have)) { // Set.equals ignores order
                c.addAll(List.of("-G", String.join(",", want)));
            }
        }
        if (c.size() == 1) return List.of();
        c.add(w.name());
        return List.of(c);
    }
}

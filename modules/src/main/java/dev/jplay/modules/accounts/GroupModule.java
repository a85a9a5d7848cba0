package dev.jplay.modules.accounts;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** {@code group}: {@code name}, {@code state} (present, absent), {@code gid}, {@code system}; groupadd/groupmod/groupdel. */
public final class GroupModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("name", "state", "gid", "system");

    @Override
    public String name() { return "group"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        String group = UserModule.accountName(args, name());
        String state = args.string("state", "present");
        Integer gid = args.has("gid") ? (int) args.number("gid", 0) : null;
        Accounts accounts = new Accounts(name(), ctx);
        Optional<Accounts.Group> current = accounts.group(group);
        List<List<String>> commands = plan(group, state, gid, args.bool("system", false), current.orElse(null));
        accounts.change(commands);
        ModuleResult.Builder r = ModuleResult.changed(!commands.isEmpty()).put("name", group).put("state", state);
        if (gid != null) r.put("gid", gid);
        else current.ifPresent(g -> r.put("gid", g.gid()));
        if (ctx.diff() && !commands.isEmpty()) r.diff(current.map(Object::toString).orElse("absent"), state + (gid == null ? "" : " gid=" + gid));
        return r.build();
    }

    static List<List<String>> plan(String group, String state, Integer gid, boolean system, Accounts.Group current)
            throws ModuleException {
        List<List<String>> out = new ArrayList<>();
        switch (state) {
            case "absent" -> { if (current != null) out.add(List.of("groupdel", group)); }
            case "present" -> {
                if (current == null) {
                    List<String> c = new ArrayList<>(List.of("groupadd"));
                    if (gid != null) c.addAll(List.of("-g", String.valueOf(gid)));
                    if (system) c.add("-r");
                    c.add(group);
                    out.add(c);
                } else if (gid != null && gid != current.gid()) {
                    out.add(List.of("groupmod", "-g", String.valueOf(gid), group));
                }
            }
            default -> throw new ModuleException(Step.ARGS, "ARG_VALUE", "group: state must be present or absent, got '" + state + "'");
        }
        return out;
    }
}

package dev.jplay.cli;

import dev.jplay.engine.playbook.Block;
import dev.jplay.engine.playbook.FactGathering;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.playbook.Play;
import dev.jplay.engine.playbook.Playbook;
import dev.jplay.engine.playbook.Task;
import dev.jplay.engine.run.TagFilter;
import dev.jplay.inventory.Host;
import dev.jplay.inventory.Inventory;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code --syntax-check}, {@code --list-tasks} and {@code --list-hosts}: what ansible-playbook prints for them, in its
 * layout ("playbook: FILE", then "play #N (hosts): name  TAGS: [...]" and the tasks or hosts).
 */
final class PlaybookListing {
    private PlaybookListing() {}

    static void syntaxOk(Playbook pb, PrintStream out) {
        out.println();
        out.println("playbook: " + pb.file());
    }

    /**
     * The tasks a run with {@code --tags wanted} (empty: all) and {@code --skip-tags skip} would run, each with every
     * tag it has (its own and those it inherits), as ansible-playbook lists them: not the implicit fact gathering.
     */
    static void tasks(Playbook pb, Set<String> wanted, Set<String> skip, PrintStream out) {
        syntaxOk(pb, out);
        int n = 0;
        for (Play play : pb.plays()) {
            header(play, ++n, out);
            out.println("    tasks:");
            list(play.tasks(), new LinkedHashSet<>(play.tags()), wanted, skip, out);
        }
    }

    static void hosts(Playbook pb, Inventory inv, String limit, PrintStream out) {
        syntaxOk(pb, out);
        int n = 0;
        for (Play play : pb.plays()) {
            header(play, ++n, out);
            List<Host> hosts = inv.select(play.hosts());
            if (limit != null) {
                Set<String> allowed = new java.util.HashSet<>();
                inv.select(limit).forEach(h -> allowed.add(h.name()));
                hosts = hosts.stream().filter(h -> allowed.contains(h.name())).toList();
            }
            out.println("    pattern: ['" + String.join("', '", play.hosts().split(",")) + "']");
            out.println("    hosts (" + hosts.size() + "):");
            for (Host h : hosts) out.println("      " + h.name());
        }
    }

    private static void header(Play play, int n, PrintStream out) {
        out.println();
        out.println("  play #" + n + " (" + play.hosts() + "): " + play.displayName() + "\tTAGS: " + tags(play.tags()));
    }

    private static void list(List<Task> tasks, Set<String> inherited, Set<String> wanted, Set<String> skip, PrintStream out) {
        for (Task t : tasks) {
            Set<String> tags = new LinkedHashSet<>(inherited);
            tags.addAll(t.tags());
            if (t instanceof Block b) {
                list(b.block(), tags, wanted, skip, out);
                list(b.rescue(), tags, wanted, skip, out);
                list(b.always(), tags, wanted, skip, out);
            } else if (t instanceof ModuleTask m && !(m.module().equals("meta") && m.name() == null)
                    && !FactGathering.isGathering(m) && TagFilter.selects(tags, wanted, skip)) {
                out.println("      " + m.displayName() + "\tTAGS: " + tags(new ArrayList<>(tags)));
            }
        }
    }

    private static String tags(java.util.Collection<String> tags) {
        return "[" + String.join(", ", new java.util.TreeSet<>(tags)) + "]";
    }
}

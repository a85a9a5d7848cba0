package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.YamlMapping;
import dev.jplay.engine.yaml.YamlNode;
import dev.jplay.engine.yaml.YamlScalar;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Ansible's implicit "Gathering Facts" task: the play's first task runs the {@code setup} module on every host of
 * the play (with the play's {@code gather_subset}, and {@code gather_timeout} as the task's timeout), tagged
 * {@code always}, as the play's connection, login user and become. Its facts are the host's {@code ansible_facts}
 * and {@code ansible_*} variables.
 *
 * <p>When: {@code gather_facts: true} always (Ansible's behaviour, task and recap included); {@code false} never;
 * and when the play does not say, only if the playbook uses facts, i.e. the play, its tasks or its file mention
 * {@code ansible_facts} or an {@code ansible_*} name that is not a connection or magic variable. Facts nobody reads
 * cannot change what a run does, and the request is not free (one more agent round trip and task per host and
 * play: on the bare fleet ...); so playbooks written for jplay before facts existed keep their runs, recaps and
 * timings, and Ansible playbooks that use facts get them.
 */
public final class FactGathering {
    public static final String NAME = "Gathering Facts";
    private static final java.util.regex.Pattern ANSIBLE_NAME = java.util.regex.Pattern.compile("\\bansible_(\\w+)");
    /** Ansible variables that are not facts: connection, become, magic and loop variables. */
    private static final java.util.Set<String> NOT_FACTS = java.util.Set.of("host", "port", "user", "connection",
            "password", "private_key_file", "python_interpreter", "check_mode", "diff_mode", "failed_task",
            "failed_result", "loop", "loop_var", "index_var", "run_tags", "skip_tags", "version", "limit",
            "verbosity", "forks", "inventory_sources", "config_file", "playbook_python", "search_path",
            "collection_name", "dependent_role_names", "play_hosts", "play_batch", "play_hosts_all", "play_name",
            "play_role_names", "role_names", "role_name", "parent_role_names", "parent_role_paths", "timeout",
            "pipelining", "remote_tmp", "shell_type", "shell_executable", "become", "become_user", "become_method",
            "become_flags", "become_password", "become_pass", "become_exe", "ssh_common_args", "ssh_extra_args",
            "ssh_private_key_file", "ssh_host", "ssh_port", "ssh_user", "ssh_pass", "ssh_executable", "sudo_pass",
            "vault_password", "items", "ssh_args", "scp_extra_args", "sftp_extra_args");

    private FactGathering() {}

    /** True for the task {@link #prepend} adds. */
    public static boolean isGathering(Task task) {
        return task instanceof ModuleTask m && NAME.equals(m.name()) && "setup".equals(m.module())
                && m.tags().equals(List.of("always"));
    }

    /** True when {@code text} names a fact ({@code ansible_facts}, {@code ansible_os_family}, {@code ansible_eth0}...). */
    static boolean mentionsFacts(String text) {
        java.util.regex.Matcher m = ANSIBLE_NAME.matcher(text);
        while (m.find()) {
            if (!NOT_FACTS.contains(m.group(1))) return true;
        }
        return false;
    }

    /** {@code tasks} with the gathering task in front when the play gathers facts (see the class comment). */
    static List<Task> prepend(YamlMapping play, TaskParser.Inherited inherited, List<Task> tasks) {
        if (!Fields.bool("gather_facts", play.get("gather_facts"), true)) return tasks;
        if (!play.has("gather_facts") && !mentionsFacts(String.valueOf(play.toJava())) && !mentionsFacts(String.valueOf(tasks))
                && !fileMentionsFacts(play.location())) {
            return tasks;
        }
        Map<String, Object> args = new LinkedHashMap<>();
        YamlNode subset = play.get("gather_subset");
        if (subset != null) {
            args.put("gather_subset", Fields.names("gather_subset", subset, true));
        }
        Integer timeout = null;
        if (play.get("gather_timeout") instanceof YamlScalar s && s.value() instanceof Integer seconds) timeout = seconds;
        else if (play.has("gather_timeout")) throw Fields.wrongType("gather_timeout", play.get("gather_timeout"), "seconds");
        Location at = play.has("gather_facts") ? play.keyLocation("gather_facts") : play.location();
        Map<String, Location> keyLocations = inherited.remoteUserAt() == null ? Map.of()
                : Map.of("remote_user", inherited.remoteUserAt());
        ModuleTask gather = new ModuleTask(NAME, "setup", args, List.of(), null, null, List.of(), false, null, null,
                List.of("always"), timeout, Map.of(), null, inherited.remoteUser(), Map.of(), null, inherited.noLog(),
                inherited.connection(), false, inherited.become(), List.of(), at, keyLocations);
        List<Task> out = new ArrayList<>(tasks.size() + 1);
        out.add(gather);
        out.addAll(tasks);
        return out;
    }

    private static boolean fileMentionsFacts(Location at) {
        if (at == null || at.file() == null) return false;
        try {
            return mentionsFacts(java.nio.file.Files.readString(at.file()));
        } catch (java.io.IOException | RuntimeException e) {
            return false; // the parser read it already; a file that vanished since has nothing to say
        }
    }
}

package dev.jplay.engine.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.yaml.PlaybookException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Roles, imports, pre/post tasks, import_playbook and vars_prompt as the parser reads them. */
class OrganisingParserTest {
    private static final Set<String> MODULES = Set.of("command", "copy", "debug", "template", "file");

    @TempDir
    Path dir;
    Path extraRoles;
    PlaybookParser parser;

    @BeforeEach
    void setUp() throws IOException {
        extraRoles = Files.createDirectories(dir.resolve("elsewhere"));
        // Reads the tasks as written: the implicit Gathering Facts task (FactGatheringTest) would lead every list.
        parser = new PlaybookParser(MODULES, new dev.jplay.engine.yaml.YamlLoader(),
                name -> name.equals("JPLAY_ROLES_PATH") ? extraRoles.toString() : name.equals("JPLAY_GATHERING") ? "explicit" : null);
    }

    private void write(String path, String text) throws IOException {
        Path p = dir.resolve(path);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private Playbook parse(String yaml) throws IOException {
        write("site.yml", yaml);
        return parser.parse(dir.resolve("site.yml"));
    }

    private PlaybookException error(String yaml) {
        return assertThrows(PlaybookException.class, () -> parse(yaml));
    }

    /** Module tasks in the order they run, as "title" (blocks flattened). */
    private static List<String> titles(List<Task> tasks) {
        List<String> out = new ArrayList<>();
        for (Task t : tasks) {
            if (t instanceof Block b) out.addAll(titles(b.block()));
            else out.add(((ModuleTask) t).displayName());
        }
        return out;
    }

    private static List<Block> roleBlocks(List<Task> tasks) {
        List<Block> out = new ArrayList<>();
        for (Task t : tasks) {
            if (t instanceof Block b) {
                if (b.role() != null) out.add(b);
                out.addAll(roleBlocks(b.block()));
            }
        }
        return out;
    }

    private void role(String name) throws IOException {
        write("roles/" + name + "/tasks/main.yml", "- name: " + name + " task\n  debug: msg=" + name + "\n");
    }

    @Test
    void roleLayoutDefaultsVarsParamsHandlersAndDependencies() throws IOException {
        write("roles/app/tasks/main.yml", "- name: render\n  template: src=a.j2 dest=/tmp/a\n  notify: restart\n");
        write("roles/app/handlers/main.yml", "- name: restart\n  debug: msg=restarted\n");
        write("roles/app/defaults/main.yml", "port: 80\nname: app\n");
        write("roles/app/vars/main.yml", "user: svc\n");
        write("roles/app/meta/main.yml", "dependencies:\n  - common\n");
        role("common");
        Play play = parse("""
                - hosts: all
                  roles:
                    - role: app
                      vars: {name: second}
                      extra_param: 7
                      tags: web
                      when: go
                """).plays().get(0);
        assertEquals(List.of("common : common task", "app : render"), titles(play.tasks()), "dependencies run first");
        Block entry = assertInstanceOf(Block.class, play.tasks().get(0));
        assertEquals(List.of("web"), entry.tags());
        assertEquals(List.of("go"), entry.when(), "the entry's when guards the role and its dependencies");
        RoleContext app = roleBlocks(play.tasks()).get(1).role();
        assertEquals("app", app.name());
        assertEquals(dir.resolve("roles/app").toAbsolutePath().normalize(), app.path());
        assertEquals(Map.of("port", 80, "name", "app"), app.defaults());
        assertEquals(Map.of("user", "svc", "name", "second"), app.vars(), "an entry's vars: join the role's vars, as in Ansible");
        assertEquals(Map.of("extra_param", 7), app.params(), "other keys are role params");
        assertTrue(app.exposed());
        Block handlers = assertInstanceOf(Block.class, play.handlers().get(0));
        assertEquals("app", handlers.role().name());
        assertEquals("restart", ((ModuleTask) handlers.block().get(0)).name());
    }

    @Test
    void aRoleRunsOncePerPlayUnlessItsParamsDifferOrItAllowsDuplicates() throws IOException {
        role("common");
        role("dup");
        write("roles/dup/meta/main.yml", "allow_duplicates: true\n");
        write("roles/a/meta/main.yml", "dependencies: [common]\n");
        write("roles/b/meta/main.yml", "dependencies: [common]\n");
        write("roles/a/tasks/main.yml", "- debug: msg=a\n");
        write("roles/b/tasks/main.yml", "- debug: msg=b\n");
        Play play = parse("""
                - hosts: all
                  roles: [a, b, common, dup, dup, {role: common, x: 1}]
                """).plays().get(0);
        assertEquals(List.of("common : common task", "a : debug", "b : debug", "dup : dup task",
                "dup : dup task", "common : common task"), titles(play.tasks()));
    }

    @Test
    void rolesAreFoundOnTheRolesPathAndBesideThePlaybook() throws IOException {
        Files.createDirectories(extraRoles.resolve("far/tasks"));
        Files.writeString(extraRoles.resolve("far/tasks/main.yml"), "- debug: msg=far\n");
        write("near/tasks/main.yml", "- debug: msg=near\n");
        Play play = parse("- hosts: all\n  roles: [far, near]\n").plays().get(0);
        assertEquals(List.of("far : debug", "near : debug"), titles(play.tasks()));
    }

    @Test
    void aMissingRoleIsLocatedAndNamesWhereItLooked() {
        PlaybookException e = error("- hosts: all\n  roles:\n    - nope\n");
        assertEquals(3, e.location().line());
        assertEquals(7, e.location().column());
        assertTrue(e.getMessage().contains("role 'nope' not found"), e.getMessage());
        assertTrue(e.getMessage().contains(extraRoles.resolve("nope").toString()), e.getMessage());
    }

    @Test
    void aDependencyCycleIsAnError() throws IOException {
        write("roles/x/meta/main.yml", "dependencies: [y]\n");
        write("roles/y/meta/main.yml", "dependencies: [x]\n");
        PlaybookException e = error("- hosts: all\n  roles: [x]\n");
        assertTrue(e.getMessage().contains("role dependency cycle: role 'x'"), e.getMessage());
        assertTrue(e.getMessage().contains("included from"), e.getMessage());
    }

    @Test
    void preTasksRolesTasksPostTasksRunInAnsiblesOrderWithHandlerFlushes() throws IOException {
        role("r");
        Play play = parse("""
                - hosts: all
                  post_tasks: [{name: post, debug: msg=post}]
                  tasks: [{name: task, debug: msg=t}]
                  roles: [r]
                  pre_tasks: [{name: pre, debug: msg=pre}]
                """).plays().get(0);
        assertEquals(List.of("pre", "meta: flush_handlers", "r : r task", "task", "meta: flush_handlers", "post"),
                titles(play.tasks()));
    }

    @Test
    void importTasksIsStaticItsWhenAndTagsApplyToEachTaskAndItsErrorsCarryTheChain() throws IOException {
        write("inc/a.yml", "- name: a1\n  debug: msg=1\n- import_tasks: b.yml\n");
        write("inc/b.yml", "- name: b1\n  debug: msg=2\n");
        Play play = parse("""
                - hosts: all
                  tasks:
                    - import_tasks: inc/a.yml
                      when: ok
                      tags: [t]
                      vars: {v: 1}
                """).plays().get(0);
        Block imported = assertInstanceOf(Block.class, play.tasks().get(0));
        assertEquals(List.of("ok"), imported.when());
        assertEquals(List.of("t"), imported.tags());
        assertEquals(Map.of("v", 1), imported.vars());
        assertEquals(List.of("a1", "b1"), titles(play.tasks()));

        write("inc/bad.yml", "- name: x\n  debug: msg=1\n  whenn: true\n");
        write("inc/outer.yml", "- import_tasks: bad.yml\n");
        PlaybookException e = error("- hosts: all\n  tasks:\n    - import_tasks: inc/outer.yml\n");
        assertEquals(dir.resolve("inc/bad.yml"), e.location().file());
        assertEquals(3, e.location().line());
        assertTrue(e.getMessage().contains("included from " + dir.resolve("inc/outer.yml") + ":1:3, from "), e.getMessage());
    }

    @Test
    void importCyclesMissingFilesAndLoopsAreErrors() throws IOException {
        write("c1.yml", "- import_tasks: c2.yml\n");
        write("c2.yml", "- import_tasks: c1.yml\n");
        assertTrue(error("- hosts: all\n  tasks:\n    - import_tasks: c1.yml\n").getMessage().contains("include cycle"));
        PlaybookException missing = error("- hosts: all\n  tasks:\n    - import_tasks: nope.yml\n");
        assertEquals(3, missing.location().line());
        assertTrue(missing.getMessage().contains("nope.yml not found"), missing.getMessage());
        assertTrue(error("- hosts: all\n  tasks:\n    - import_tasks: c9.yml\n      loop: [1]\n").getMessage()
                .contains("use 'include_tasks' to loop"));
    }

    @Test
    void includeTasksStaysATaskReadWhenItRuns() throws IOException {
        Play play = parse("- hosts: all\n  tasks:\n    - include_tasks: later.yml\n      loop: [1, 2]\n").plays().get(0);
        ModuleTask t = assertInstanceOf(ModuleTask.class, play.tasks().get(0));
        assertEquals("include_tasks", t.module());
        assertEquals(List.of(1, 2), t.loop().items());
        write("later.yml", "- name: later\n  debug: msg=x\n");
        List<Task> read = parser.includeTasks(dir, "later.yml", t.location(), null, List.of());
        assertEquals(List.of("later"), titles(read));
        PlaybookException e = assertThrows(PlaybookException.class,
                () -> parser.includeTasks(dir, "gone.yml", t.location(), null, List.of()));
        assertEquals(t.location(), e.location());
    }

    @Test
    void includedTasksInheritBecomeAndConnectionFromTheIncludeAndItsPlay() throws IOException {
        Play play = parse("- hosts: all\n  become: true\n  tasks:\n    - include_tasks: later.yml\n      become_user: app\n"
                + "      no_log: true\n").plays().get(0);
        ModuleTask t = assertInstanceOf(ModuleTask.class, play.tasks().get(0));
        write("later.yml", "- name: later\n  debug: msg=x\n- name: mine\n  debug: msg=y\n  become: false\n");
        List<Task> read = parser.includeTasks(dir, "later.yml", t.location(), null, List.of(), t);
        ModuleTask later = assertInstanceOf(ModuleTask.class, read.get(0));
        assertEquals(true, later.become().become(), "the play's become");
        assertEquals("app", later.become().user(), "the include's become_user");
        assertTrue(later.noLog());
        assertEquals(false, assertInstanceOf(ModuleTask.class, read.get(1)).become().become(), "a task's own keyword wins");
    }

    @Test
    void importPlaybookBringsItsPlaysWithVarsTagsAndWhen() throws IOException {
        write("sub/other.yml", "- hosts: web\n  vars: {a: 1, b: 1}\n  tasks: [{name: o, debug: msg=o}]\n");
        Playbook pb = parse("""
                - hosts: all
                  tasks: [{name: first, debug: msg=x}]
                - import_playbook: sub/other.yml
                  vars: {b: 2}
                  tags: imported
                  when: flag
                """);
        assertEquals(2, pb.plays().size());
        Play other = pb.plays().get(1);
        assertEquals("web", other.hosts());
        assertEquals(Map.of("a", 1, "b", 2), other.vars());
        assertEquals(List.of("imported"), other.tags());
        assertEquals(List.of("flag"), ((Block) other.tasks().get(0)).when());
        assertEquals(dir.resolve("sub/other.yml").toAbsolutePath(), other.location().file().toAbsolutePath());
    }

    @Test
    void varsPromptAsksThePrompterAndWithoutOneIsALocatedError() throws IOException {
        String yaml = "- hosts: all\n  vars_prompt:\n    - name: pw\n      prompt: Password\n  tasks: []\n";
        PlaybookException e = error(yaml);
        assertEquals(3, e.location().line());
        assertTrue(e.getMessage().contains("-e pw="), e.getMessage());
        List<Boolean> secret = new ArrayList<>();
        parser.withPrompter((name, prompt, isSecret, dflt, confirm, at) -> {
            secret.add(isSecret);
            return "answer-for-" + name;
        });
        assertEquals("answer-for-pw", parse(yaml).plays().get(0).vars().get("pw"));
        assertEquals(List.of(true), secret, "private defaults to yes, as in Ansible");
    }

    @Test
    void startAtTaskDropsTheTasksBeforeIt() throws IOException {
        role("r");
        Playbook pb = parse("""
                - hosts: all
                  tasks: [{name: one, debug: msg=1}]
                - hosts: all
                  roles: [r]
                  tasks: [{name: two, debug: msg=2}, {name: three, debug: msg=3}]
                """);
        assertEquals(List.of(), titles(StartAtTask.apply(pb, "r task").plays().get(0).tasks()));
        assertEquals(List.of("r : r task", "two", "three"), titles(StartAtTask.apply(pb, "r : r task").plays().get(1).tasks()));
        assertEquals(List.of("three"), titles(StartAtTask.apply(pb, "th*").plays().get(1).tasks()));
        assertThrows(IllegalArgumentException.class, () -> StartAtTask.apply(pb, "four"));
        assertNull(pb.plays().get(0).tasks().get(0) instanceof Block b ? b.role() : null);
    }
}

package dev.jplay.engine.playbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaybookParserTest {
    private static final Set<String> MODULES = Set.of("command", "shell", "copy", "ping", "debug", "service",
            "file", "set_fact");
    private static final Path FILE = Path.of("/play/site.yml");
    // Reads the tasks as written: the implicit Gathering Facts task (FactGatheringTest) would lead every list.
    private final PlaybookParser parser = new PlaybookParser(MODULES, new dev.jplay.engine.yaml.YamlLoader(),
            Map.of("JPLAY_GATHERING", "explicit")::get);

    private Playbook parse(String yaml) {
        return parser.parse(yaml, FILE);
    }

    private PlaybookException error(String yaml) {
        return assertThrows(PlaybookException.class, () -> parse(yaml));
    }

    /** A one-play playbook whose tasks section is {@code tasks} (indented by 4). */
    private static String play(String tasks) {
        return "- hosts: all\n  tasks:\n" + tasks;
    }

    @Test
    void parsesAPlayWithAllKeywords(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("site.yml");
        Files.writeString(file, """
                - name: web
                  hosts: [web, db]
                  serial: [1, "30%"]
                  strategy: free
                  any_errors_fatal: yes
                  max_fail_percentage: 25
                  gather_facts: no
                  tags: deploy, web
                  vars: {port: 80, nothing: ~}
                  vars_files: [vars/common.yml]
                  tasks:
                    - name: hi
                      command: echo hi
                      register: out
                      notify: restart
                  handlers:
                    - name: restart
                      service: name=nginx state=restarted
                """);
        Playbook book = parser.parse(file);
        assertEquals(file, book.file());
        Play p = book.plays().get(0);
        assertEquals("web", p.name());
        assertEquals("web,db", p.hosts());
        assertEquals(List.of(1, "30%"), p.serial().raw());
        assertEquals(new Location(file, 3, 11), p.serial().location());
        assertEquals("free", p.strategy());
        assertTrue(p.anyErrorsFatal());
        assertEquals(25.0, p.maxFailPercentage());
        assertEquals(List.of("deploy", "web"), p.tags());
        assertEquals(80, p.vars().get("port"));
        assertTrue(p.vars().containsKey("nothing"));
        assertEquals(dir.resolve("vars/common.yml"), p.varsFiles().get(0).path());
        assertEquals(new Location(file, 10, 16), p.varsFiles().get(0).location());
        ModuleTask t = (ModuleTask) p.tasks().get(0);
        assertEquals(new Location(file, 12, 7), t.location());
        assertEquals(new Location(file, 13, 7), t.locationOf("module"));
        assertEquals(new Location(file, 14, 17), t.locationOf("register"));
        assertEquals(List.of("restart"), t.notifies());
        ModuleTask h = (ModuleTask) p.handlers().get(0);
        assertEquals(Map.of("name", "nginx", "state", "restarted"), h.args());
    }

    @Test
    void loadsVarsFilesWithLocatedErrors(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("v.yml"), "a: 1\n");
        Location ref = new Location(dir.resolve("site.yml"), 4, 5);
        assertEquals(Map.of("a", 1), parser.loadVarsFile(dir.resolve("v.yml"), ref));
        PlaybookException missing = assertThrows(PlaybookException.class,
                () -> parser.loadVarsFile(dir.resolve("nope.yml"), ref));
        assertEquals(ref, missing.location());
        Files.writeString(dir.resolve("list.yml"), "- a\n");
        PlaybookException list = assertThrows(PlaybookException.class,
                () -> parser.loadVarsFile(dir.resolve("list.yml"), ref));
        assertEquals(new Location(dir.resolve("list.yml"), 1, 1), list.location());
    }

    @Test
    void freeFormCommandKeepsTheCommandLine() {
        ModuleTask t = (ModuleTask) parse(play("    - command: echo  'a b'  c=d\n")).plays().get(0).tasks().get(0);
        assertEquals("command", t.module());
        assertEquals(Map.of("_raw_params", "echo  'a b'  c=d"), t.args());
        assertEquals("command: echo  'a b'  c=d", t.displayName());
    }

    @Test
    void freeFormCommandLiftsAnsibleInlineOptions() {
        ModuleTask t = (ModuleTask) parse(play("    - shell: chdir=/tmp creates=\"/x y\" ls -l {{ dir }}\n"))
                .plays().get(0).tasks().get(0);
        assertEquals(Map.of("_raw_params", "ls -l {{ dir }}", "chdir", "/tmp", "creates", "/x y"), t.args());
    }

    @Test
    void keyValueArgumentsForOtherModules() {
        ModuleTask t = (ModuleTask) parse(play("    - copy: src=a.txt dest=\"/tmp/my file\" content={{ x | y }}\n"
                + "      args: {mode: '0644', src: ignored}\n")).plays().get(0).tasks().get(0);
        assertEquals(Map.of("src", "a.txt", "dest", "/tmp/my file", "content", "{{ x | y }}", "mode", "0644"), t.args());
    }

    @Test
    void keyValueModuleRejectsBareWords() {
        PlaybookException e = error(play("    - copy: src=a oops\n"));
        assertEquals(new Location(FILE, 3, 13), e.location());
        assertTrue(e.problem().contains("'oops' is not key=value"), e.problem());
    }

    @Test
    void fullyQualifiedBuiltinNamesAreShortened() {
        ModuleTask t = (ModuleTask) parse(play("    - ansible.builtin.ping:\n")).plays().get(0).tasks().get(0);
        assertEquals("ping", t.module());
        assertEquals(Map.of(), t.args());
    }

    @Test
    void taskKeywords() {
        ModuleTask t = (ModuleTask) parse(play("""
                    - name: loop
                      debug: {msg: "{{ item }}"}
                      when: [x is defined, true]
                      loop: "{{ users }}"
                      loop_control: {loop_var: user, index_var: i, label: "{{ user.name }}"}
                      ignore_errors: true
                      failed_when: false
                      changed_when: out.rc != 0
                      tags: [a, 1]
                      timeout: 30
                      environment: {PATH: /bin}
                      delegate_to: localhost
                      vars: {v: 1}
                      until: out is succeeded
                      no_log: yes
                """)).plays().get(0).tasks().get(0);
        assertEquals(List.of("x is defined", true), t.when());
        assertEquals(new Loop("{{ users }}", "user", "i", "{{ user.name }}", new Location(FILE, 6, 13)), t.loop());
        assertTrue(t.ignoreErrors());
        assertEquals(List.of(false), t.failedWhen());
        assertEquals(List.of("out.rc != 0"), t.changedWhen());
        assertEquals(List.of("a", "1"), t.tags());
        assertEquals(30, t.timeoutSeconds());
        assertEquals(Map.of("PATH", "/bin"), t.environment());
        assertEquals("localhost", t.delegateTo());
        assertEquals(Map.of("v", 1), t.vars());
        assertEquals(new Retry(List.of("out is succeeded"), 3, 5), t.retry());
        assertTrue(t.noLog());
        assertNull(t.register());
    }

    @Test
    void blockWithRescueAndAlways() {
        Block b = assertInstanceOf(Block.class, parse(play("""
                    - name: guarded
                      when: flag
                      block:
                        - command: /bin/false
                      rescue:
                        - debug: msg=rescued
                      always:
                        - block:
                            - ping:
                """)).plays().get(0).tasks().get(0));
        assertEquals("guarded", b.name());
        assertEquals(List.of("flag"), b.when());
        assertEquals("command", ((ModuleTask) b.block().get(0)).module());
        assertEquals(Map.of("msg", "rescued"), ((ModuleTask) b.rescue().get(0)).args());
        assertInstanceOf(Block.class, b.always().get(0));
        assertEquals(new Location(FILE, 6, 11), b.block().get(0).location());
    }

    @Test
    void taskWithoutModule() {
        PlaybookException e = error(play("    - name: nothing\n      when: x\n"));
        assertEquals(new Location(FILE, 3, 7), e.location());
        assertEquals("task has no module: its keys [name, when] are all task keywords", e.problem());
    }

    @Test
    void taskWithTwoModules() {
        PlaybookException e = error(play("    - command: a\n      shell: b\n"));
        assertEquals(new Location(FILE, 3, 7), e.location());
        assertTrue(e.problem().startsWith("task has several module candidates [command, shell]"), e.problem());
    }

    @Test
    void misspelledKeywordNextToAModule() {
        PlaybookException e = error(play("    - command: a\n      whne: x\n"));
        assertEquals(new Location(FILE, 4, 7), e.location());
        assertEquals("unknown task keyword 'whne' (did you mean 'when'?)", e.problem());
    }

    @Test
    void unknownModuleWithSuggestion() {
        PlaybookException e = error(play("    - name: x\n      comand: ls\n"));
        assertEquals(new Location(FILE, 4, 7), e.location());
        assertEquals("unknown module 'comand' (did you mean 'command'?)", e.problem());
        assertEquals("unknown module 'frobnicate'", error(play("    - frobnicate: 1\n")).problem());
    }

    @Test
    void wrongTypesAreLocated() {
        PlaybookException loop = error(play("    - command: a\n      loop: 5\n"));
        assertEquals(new Location(FILE, 4, 13), loop.location());
        assertTrue(loop.problem().startsWith("loop must be a list or a template string"), loop.problem());
        PlaybookException tags = error(play("    - command: a\n      tags: {}\n"));
        assertEquals(new Location(FILE, 4, 13), tags.location());
        assertEquals("tags must be a string or a list of strings, got a mapping", tags.problem());
        PlaybookException when = error(play("    - command: a\n      when: {a: 1}\n"));
        assertTrue(when.problem().startsWith("when must be a condition"), when.problem());
        PlaybookException timeout = error(play("    - command: a\n      timeout: soon\n"));
        assertEquals(new Location(FILE, 4, 16), timeout.location());
        PlaybookException register = error(play("    - command: a\n      register: my-var\n"));
        assertTrue(register.problem().startsWith("register must be a variable name"), register.problem());
        PlaybookException serial = error("- hosts: all\n  serial: lots\n");
        assertEquals(new Location(FILE, 2, 11), serial.location());
    }

    @Test
    void loopControlParallelIsAPositiveCountDefaultingToOne() {
        ModuleTask parallel = (ModuleTask) parse(play("    - command: a\n      loop: [1, 2]\n      loop_control: {parallel: 8}\n"))
                .plays().get(0).tasks().get(0);
        assertEquals(8, parallel.loop().parallel());
        ModuleTask plain = (ModuleTask) parse(play("    - command: a\n      loop: [1, 2]\n")).plays().get(0).tasks().get(0);
        assertEquals(1, plain.loop().parallel());
        PlaybookException zero = error(play("    - command: a\n      loop: [1]\n      loop_control: {parallel: 0}\n"));
        assertTrue(zero.problem().contains("loop_control.parallel") && zero.problem().contains("positive"), zero.problem());
        assertEquals(new Location(FILE, 5, 32), zero.location()); // the value
        PlaybookException text = error(play("    - command: a\n      loop: [1]\n      loop_control: {parallel: many}\n"));
        assertTrue(text.problem().contains("loop_control.parallel"), text.problem());
        PlaybookException typo = error(play("    - command: a\n      loop: [1]\n      loop_control: {paralel: 2}\n"));
        assertTrue(typo.problem().contains("did you mean 'parallel'"), typo.problem());
    }

    @Test
    void unsupportedKeywordsAreErrorsNotIgnored() {
        assertEquals("task keyword 'become_exe' is not supported by jplay",
                error(play("    - command: a\n      become_exe: /usr/local/bin/sudo\n")).problem());
        assertEquals("'with_items' is not supported: use 'loop'",
                error(play("    - command: a\n      with_items: [1]\n")).problem());
        PlaybookException environment = error("- hosts: all\n  environment: {A: b}\n");
        assertEquals(new Location(FILE, 2, 3), environment.location());
        PlaybookException typo = error("- hosts: all\n  taks: []\n");
        assertTrue(typo.problem().startsWith("unknown play keyword 'taks' (did you mean 'tags' or 'tasks'?)"), typo.problem());
    }

    @Test
    void notifyMustMatchAHandlerNameOrListenTopic() {
        String handlers = "  handlers:\n    - name: restart nginx\n      listen: web changed\n      service: name=nginx\n";
        Playbook ok = parse(play("    - command: a\n      notify: [restart nginx, web changed]\n") + handlers);
        assertEquals(List.of("web changed"), ((ModuleTask) ok.plays().get(0).handlers().get(0)).listen());
        PlaybookException e = error(play("    - command: a\n      notify: restart ngnix\n") + handlers);
        assertEquals(new Location(FILE, 4, 15), e.location());
        assertEquals("notify 'restart ngnix' matches no handler (did you mean 'restart nginx'?)", e.problem());
    }

    @Test
    void listenOnlyInHandlersAndHandlersNeedAName() {
        assertEquals("'listen' is only valid in handlers",
                error(play("    - command: a\n      listen: x\n")).problem());
        assertTrue(error("- hosts: all\n  handlers:\n    - ping:\n").problem().startsWith("handler has neither"));
    }

    @Test
    void playbookShapeErrors() {
        assertEquals("a playbook must be a non-empty list of plays, got a mapping", error("hosts: all\n").problem());
        PlaybookException hosts = error("- name: x\n  tasks: []\n");
        assertEquals(new Location(FILE, 1, 3), hosts.location());
        assertEquals("hosts is required", hosts.problem());
        assertEquals("'rescue' is only valid next to 'block'", error(play("    - rescue: []\n")).problem());
        assertEquals("'loop' is not allowed on a block (allowed: always, become, become_flags, become_method, become_user, block, connection, delegate_to, environment, "
                + "ignore_errors, name, no_log, remote_user, rescue, run_once, tags, vars, when)",
                error(play("    - block: [{ping: }]\n      loop: [1]\n")).problem());
    }

    @Test
    void yamlErrorsSurfaceWithTheirLocation() {
        PlaybookException e = error(play("    - command: a\n      command: b\n"));
        assertEquals(new Location(FILE, 4, 7), e.location());
        assertFalse(e.getMessage().isBlank());
        assertTrue(e.getMessage().startsWith("/play/site.yml:4:7: duplicate key 'command'"), e.getMessage());
    }

    @Test
    void playVarsLoadVarsFilesInOrderWithTemplatedNamesAgainstThePlaybookDirectory(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("vars"));
        Files.writeString(dir.resolve("common.yml"), "a: common\nb: common\n");
        Files.writeString(dir.resolve("vars/prod.yml"), "b: prod\n");
        Play play = parser.parse("""
                - hosts: all
                  vars: {env: dev, a: play, c: play}
                  vars_files: [common.yml, "vars/{{ env }}.yml"]
                  tasks: []
                """, dir.resolve("site.yml")).plays().get(0);
        Map<String, Object> vars = parser.playVars(play, Map.of("env", "prod"), new dev.jplay.engine.template.Templater());
        assertEquals("common", vars.get("a"), "vars_files over vars");
        assertEquals("prod", vars.get("b"), "later files win; the name rendered with -e, under the playbook's directory");
        assertEquals("play", vars.get("c"));
    }
}

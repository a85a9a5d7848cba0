package dev.jplay.engine.run;

import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.template.Expressions;
import dev.jplay.engine.template.Templater;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Modules that run on the controller ({@code debug}, {@code set_fact}, {@code assert}, {@code fail}) and the
 * controller-side half of {@code template} and {@code copy src=}: files are read and templates rendered
 * here, then sent to the agent's {@code copy} as content.
 */
final class ControllerModules {
    static final Set<String> LOCAL = Set.of("debug", "set_fact", "assert", "fail", "include_tasks", "include_role", "include_vars",
            "pause");
    /** Modules the agent runs; {@code template} travels as {@code copy}. */
    static final Set<String> AGENT = Set.of("ping", "command", "shell", "copy", "template", "file", "stat", "wait_for",
            "image", "container", "container_info", "host_setup", "pool_routes",
            "fleet_service", "container_logs", "container_exec", "setup",
            "lineinfile", "blockinfile", "apt", "package", "service", "systemd",
            "uri", "get_url", "unarchive", "user", "group", "systemd_service",
            "fleet_leave");

    /** Reads include_vars files (a vars file: a mapping, vault-encrypted or not). */
    private static final dev.jplay.engine.playbook.PlaybookParser VARS_FILES = new dev.jplay.engine.playbook.PlaybookParser(Set.of());

    private final Templater templater;
    private final Expressions expressions;

    ControllerModules(Templater templater, Expressions expressions) {
        this.templater = templater;
        this.expressions = expressions;
    }

    static Set<String> known() {
        Set<String> all = new java.util.TreeSet<>(LOCAL);
        all.addAll(AGENT);
        all.add(RawModule.NAME); // over SSH without the agent
        return all;
    }

    boolean handles(String module) {
        return LOCAL.contains(module);
    }

    static final class PrepareException extends Exception {
        private final String code;

        PrepareException(String code, String message) {
            super(message);
            this.code = code;
        }

        String code() {
            return code;
        }
    }

    TaskExecutor.AgentCall prepareAgentCall(ModuleTask task, Map<String, Object> args, Map<String, Object> vars, PlayContext play)
            throws PrepareException {
        switch (task.module()) {
            case "template": {
                Map<String, Object> a = new LinkedHashMap<>(args);
                Path src = localFile(a.remove("src"), play, vars, "templates", "template");
                String text;
                try {
                    text = Files.readString(src, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new PrepareException("SRC_UNREADABLE", "template: cannot read " + src + ": " + e.getMessage());
                }
                String rendered = templater.renderFile(text, vars, src);
                a.put("content", rendered);
                return new TaskExecutor.AgentCall("copy", a);
            }
            case "copy": {
                if (!args.containsKey("src")) return new TaskExecutor.AgentCall("copy", args);
                Map<String, Object> a = new LinkedHashMap<>(args);
                Path src = localFile(a.remove("src"), play, vars, "files", "copy");
                try {
                    a.put("content_b64", Base64.getEncoder().encodeToString(Files.readAllBytes(src)));
                } catch (IOException e) {
                    throw new PrepareException("SRC_UNREADABLE", "copy: cannot read " + src + ": " + e.getMessage());
                }
                return new TaskExecutor.AgentCall("copy", a);
            }
            case "unarchive": {
                // A controller-side archive travels as content, like copy's src; remote_src names a host file.
                Object remote = args.get("remote_src");
                if (remote instanceof Boolean b ? b : remote != null && List.of("yes", "true", "on", "1").contains(String.valueOf(remote).toLowerCase())) {
                    return new TaskExecutor.AgentCall("unarchive", args);
                }
                Map<String, Object> a = new LinkedHashMap<>(args);
                Path src = localFile(a.remove("src"), play, vars, "files", "unarchive");
                a.remove("remote_src");
                try {
                    a.put("content_b64", Base64.getEncoder().encodeToString(Files.readAllBytes(src)));
                } catch (IOException e) {
                    throw new PrepareException("SRC_UNREADABLE", "unarchive: cannot read " + src + ": " + e.getMessage());
                }
                return new TaskExecutor.AgentCall("unarchive", a);
            }
            default:
                return new TaskExecutor.AgentCall(task.module(), args);
        }
    }

    /**
     * A controller-side file: absolute, or relative to the running role's {@code files/}/{@code templates/} dir or the
     * role itself ({@code role_path}, as Ansible searches), then to the playbook's, then to the playbook.
     */
    private static Path localFile(Object src, PlayContext play, Map<String, Object> vars, String subdir, String module) throws PrepareException {
        if (!(src instanceof String s) || s.isBlank()) throw new PrepareException("ARG_MISSING", module + ": argument 'src' is required");
        Path p = Path.of(s);
        List<Path> candidates = new ArrayList<>();
        if (p.isAbsolute()) {
            if (Files.isRegularFile(p)) return p;
        } else {
            if (vars.get("role_path") instanceof String rolePath) {
                candidates.add(Path.of(rolePath).resolve(subdir).resolve(p));
                candidates.add(Path.of(rolePath).resolve(p));
            }
            candidates.add(play.playbookDir().resolve(subdir).resolve(p));
            candidates.add(play.playbookDir().resolve(p));
            for (Path candidate : candidates) {
                if (Files.isRegularFile(candidate)) return candidate;
            }
        }
        if (Files.isDirectory(p) || Files.isDirectory(play.playbookDir().resolve(p))) {
            throw new PrepareException("SRC_IS_DIR", module + ": src '" + s + "' is a directory; only files are supported");
        }
        throw new PrepareException("SRC_NOT_FOUND", module + ": src '" + s + "' not found (looked in "
                + (candidates.isEmpty() ? p.toString() : candidates.stream().map(c -> c.getParent().toString()).distinct()
                        .reduce((x, y) -> x + ", " + y).orElse("")) + ")");
    }

    TaskResult run(ModuleTask task, Map<String, Object> args, Map<String, Object> vars, HostRun host,
                            PlayContext play, RunOptions options) {
        TaskResult r = TaskResult.ok();
        switch (task.module()) {
            case "debug" -> {
                if (args.containsKey("var")) {
                    String name = String.valueOf(args.get("var"));
                    Object value = templater.render("{{ " + name + " }}", vars, task.locationOf("debug"));
                    r.output(name, value);
                    r.msg(name + ": " + value);
                } else {
                    r.msg(String.valueOf(args.getOrDefault("msg", "Hello world!")));
                }
            }
            case "set_fact" -> {
                for (Map.Entry<String, Object> e : args.entrySet()) {
                    if (e.getKey().equals("cacheable")) continue;
                    host.facts.put(e.getKey(), e.getValue());
                }
                r.output("ansible_facts", new LinkedHashMap<>(args));
            }
            case "assert" -> {
                List<Object> that = new ArrayList<>();
                Object t = args.get("that");
                if (t instanceof List<?> l) that.addAll(l);
                else if (t != null) that.add(t);
                if (that.isEmpty()) {
                    return r.fail(new Failure(Step.ARGS, "ARG_MISSING", "assert: argument 'that' is required"));
                }
                for (Object cond : that) {
                    if (!expressions.test(List.of(cond), vars, task.locationOf("assert"))) {
                        Object msg = args.getOrDefault("fail_msg", args.get("msg"));
                        return r.fail(new Failure(Step.ASSERT, "ASSERTION_FAILED",
                                msg != null ? String.valueOf(msg) : "assertion failed: " + cond))
                                .output("assertion", String.valueOf(cond));
                    }
                }
                r.msg(String.valueOf(args.getOrDefault("success_msg", "All assertions passed")));
            }
            case "include_tasks", "include_role" -> { // the host's part: what to include; the BlockRunner runs it
                Map<String, Object> loopVars = new LinkedHashMap<>();
                if (task.loop() != null) {
                    loopVars.put(task.loop().loopVar(), vars.get(task.loop().loopVar()));
                    if (task.loop().indexVar() != null) loopVars.put(task.loop().indexVar(), vars.get(task.loop().indexVar()));
                }
                Object what = task.module().equals("include_role") ? args.get("name")
                        : args.getOrDefault(dev.jplay.engine.playbook.PlaybookParser.RAW_PARAMS, args.get("file"));
                // a file that cannot be read fails after the include counted ok, as Ansible counts it (IncludeRunner)
                host.included(new HostRun.Included(task, new LinkedHashMap<>(args), loopVars));
                r.msg("included: " + what);
            }
            case "include_vars" -> {
                Object file = args.getOrDefault(dev.jplay.engine.playbook.PlaybookParser.RAW_PARAMS, args.get("file"));
                if (!(file instanceof String f) || f.isBlank()) {
                    return r.fail(new Failure(Step.ARGS, "ARG_MISSING", "include_vars: a file is required (include_vars: FILE or file: FILE)"));
                }
                Path path;
                try {
                    path = localFile(f, play, vars, "vars", "include_vars");
                } catch (PrepareException e) {
                    return r.fail(new Failure(Step.ARGS, e.code(), e.getMessage()));
                }
                Map<String, Object> loaded;
                try {
                    loaded = VARS_FILES.loadVarsFile(path, task.location()); // vault-encrypted files too
                } catch (dev.jplay.engine.yaml.PlaybookException e) {
                    return r.fail(new Failure(Step.ARGS, "VARS_FILE_INVALID", "include_vars: " + e.getMessage()));
                }
                Object name = args.get("name");
                Map<String, Object> facts = name == null ? loaded : Map.of(String.valueOf(name), loaded);
                host.facts.putAll(facts); // with set_fact's precedence: just below it in Ansible, one layer here
                r.output("ansible_facts", new LinkedHashMap<>(facts));
                r.msg("loaded " + path);
            }
            case "pause" -> {
                return PauseModule.run(args, task.locationOf("pause"), r);
            }
            case "fail" -> {
                return r.fail(new Failure(Step.FAIL, "FAIL_MODULE",
                        String.valueOf(args.getOrDefault("msg", "Failed as requested from task"))));
            }
            default -> throw new IllegalStateException("not a controller module: " + task.module());
        }
        return r;
    }
}

package dev.jplay.engine.template;

import dev.jplay.engine.yaml.Location;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Ansible's everyday lookups, run on the controller: {@code env} (unset is ""), {@code file} (text, trailing
 * whitespace stripped), {@code template} (a file rendered with the task's variables), {@code pipe} (a shell
 * command's stdout, stripped; a non-zero exit is an error; killed after {@code timeout} seconds, 60 by default),
 * {@code vars}, {@code items}/{@code list}. Relative paths are looked up as Ansible does: in a role, its
 * {@code files/} (or {@code templates/}) directory and the role itself; then beside the file that holds the
 * expression, and its {@code files/} ({@code templates/}).
 */
public final class ControllerLookups implements Lookups {
    static final long PIPE_TIMEOUT_SECONDS = 60;
    private static final long MAX_OUTPUT = 16L << 20;
    private static final Set<String> ROLE_DIRS = Set.of("tasks", "handlers", "vars", "defaults", "meta");

    private final Templater templater;

    ControllerLookups(Templater templater) {
        this.templater = templater;
    }

    @Override
    public List<Object> run(String name, List<Object> terms, Map<String, Object> options, Map<String, Object> vars,
                            Location where) {
        List<Object> out = new ArrayList<>();
        for (Object term : terms) {
            String t = Filters.str(term);
            out.add(switch (name) {
                case "env" -> {
                    String value = System.getenv(t);
                    yield value != null ? value : options.getOrDefault("default", "");
                }
                case "file" -> strip(read(find(t, "files", where), name), options);
                case "template" -> {
                    Path file = find(t, "templates", where);
                    yield templater.renderFile(read(file, name), vars, file);
                }
                case "pipe" -> pipe(t, options, where);
                case "vars" -> {
                    if (vars.containsKey(t)) yield templater.render(vars.get(t), vars, where);
                    if (options.containsKey("default")) yield options.get("default");
                    throw new IllegalArgumentException("lookup 'vars': no variable '" + t + "'");
                }
                case "items", "list" -> term;
                default -> throw new IllegalArgumentException("unknown lookup '" + name
                        + "' (supported: env, file, template, pipe, vars, items, list)");
            });
        }
        return out;
    }

    private static String strip(String text, Map<String, Object> options) {
        String out = text;
        if (JinjaArithmetic.truthy(options.getOrDefault("rstrip", true))) out = out.stripTrailing();
        if (JinjaArithmetic.truthy(options.getOrDefault("lstrip", false))) out = out.stripLeading();
        return out;
    }

    /** The file {@code term} names: absolute, else the first of Ansible's search places that has it. */
    static Path find(String term, String kind, Location where) {
        Path p = Path.of(term);
        if (p.isAbsolute()) {
            if (Files.isRegularFile(p)) return p;
            throw new IllegalArgumentException("lookup: file not found: " + p);
        }
        Set<Path> candidates = new LinkedHashSet<>();
        Path dir = where == null || where.file() == null || where.file().toAbsolutePath().getParent() == null
                ? Path.of("").toAbsolutePath() : where.file().toAbsolutePath().getParent();
        if (dir.getFileName() != null && ROLE_DIRS.contains(dir.getFileName().toString()) && dir.getParent() != null) {
            candidates.add(dir.getParent().resolve(kind).resolve(p));
            candidates.add(dir.getParent().resolve(p));
        }
        candidates.add(dir.resolve(kind).resolve(p));
        candidates.add(dir.resolve(p));
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) return c.normalize();
        }
        throw new IllegalArgumentException("lookup: could not find '" + term + "' (looked in "
                + String.join(", ", candidates.stream().map(Path::toString).toList()) + ")");
    }

    private static String read(Path file, String lookup) {
        try {
            if (Files.size(file) > MAX_OUTPUT) {
                throw new IllegalArgumentException("lookup '" + lookup + "': " + file + " is larger than 16 MiB");
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("lookup '" + lookup + "': cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** {@code sh -c command} in the directory of the file that holds it; output to temp files, so no pipe blocks. */
    static String pipe(String command, Map<String, Object> options, Location where) {
        long timeout = Filters.toLong(options.getOrDefault("timeout", PIPE_TIMEOUT_SECONDS));
        Path out = null;
        Path err = null;
        try {
            out = Files.createTempFile("jplay-pipe", ".out");
            err = Files.createTempFile("jplay-pipe", ".err");
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", command)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            if (where != null && where.file() != null && where.file().toAbsolutePath().getParent() != null) {
                pb.directory(where.file().toAbsolutePath().getParent().toFile());
            }
            Process process = pb.start();
            if (!process.waitFor(timeout, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalArgumentException("lookup 'pipe': '" + command + "' did not finish within "
                        + timeout + " s (killed)");
            }
            if (process.exitValue() != 0) {
                throw new IllegalArgumentException("lookup 'pipe': '" + command + "' exited with "
                        + process.exitValue() + ": " + tail(err));
            }
            return head(out).stripTrailing();
        } catch (IOException e) {
            throw new IllegalArgumentException("lookup 'pipe': cannot run '" + command + "': " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalArgumentException("lookup 'pipe': interrupted", e);
        } finally {
            deleteQuietly(out);
            deleteQuietly(err);
        }
    }

    private static String head(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes((int) MAX_OUTPUT);
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }

    private static String tail(Path file) throws IOException {
        String s = Files.readString(file, StandardCharsets.UTF_8).strip();
        return s.length() > 500 ? "..." + s.substring(s.length() - 500) : s;
    }

    private static void deleteQuietly(Path p) {
        if (p == null) return;
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a temp file left behind is harmless
        }
    }
}

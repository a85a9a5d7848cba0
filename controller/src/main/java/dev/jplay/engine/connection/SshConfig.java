package dev.jplay.engine.connection;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The part of an OpenSSH client configuration ({@code ~/.ssh/config}, ssh_config(5)) that jplay uses:
 * {@code Host} blocks with {@code *}, {@code ?} and {@code !negated} patterns, and the options
 * {@link #OPTIONS} ({@code ProxyCommand} only so that a route jplay cannot take is refused rather than silently
 * ignored). As in OpenSSH, the first value found for an option wins, except {@code IdentityFile},
 * whose values add up. {@code Include} is followed (relative paths from ~/.ssh, globs in the file name);
 * {@code Match} blocks are skipped (their conditions are not evaluated), and other options are ignored.
 */
public final class SshConfig {
    /** Options jplay reads, lower case as ssh_config(5) keywords are case-insensitive. */
    public static final Set<String> OPTIONS = Set.of("hostname", "user", "port", "identityfile", "identitiesonly",
            "proxyjump", "identityagent", "proxycommand", "userknownhostsfile");
    private static final int MAX_INCLUDE_DEPTH = 16; // OpenSSH's READCONF_MAX_DEPTH

    private final List<Block> blocks;

    private SshConfig(List<Block> blocks) {
        this.blocks = List.copyOf(blocks);
    }

    public static SshConfig empty() {
        return new SshConfig(List.of());
    }

    /** Parses {@code file}; a missing file is an empty configuration, an unreadable or malformed one an error. */
    public static SshConfig load(Path file) throws SshConfigException {
        if (!Files.exists(file)) return empty();
        List<Block> blocks = new ArrayList<>();
        new Reader(blocks).read(file, 0);
        return new SshConfig(blocks);
    }

    /** Parses configuration text as if read from {@code file} (for messages and relative includes). */
    static SshConfig parse(String text, Path file) throws SshConfigException {
        List<Block> blocks = new ArrayList<>();
        new Reader(blocks).readText(text, file, 0);
        return new SshConfig(blocks);
    }

    /** The options that apply to {@code host} (the name given to ssh, before HostName). */
    public Options lookup(String host) {
        Map<String, String> first = new LinkedHashMap<>();
        List<String> identityFiles = new ArrayList<>();
        for (Block b : blocks) {
            if (!b.matches(host)) continue;
            for (Option o : b.options) {
                if (o.key.equals("identityfile")) identityFiles.add(o.value);
                else first.putIfAbsent(o.key, o.value);
            }
        }
        return new Options(first, identityFiles);
    }

    /** The values found for one host; getters return null when the configuration does not set the option. */
    public record Options(Map<String, String> values, List<String> identityFiles) {
        public Options {
            values = Map.copyOf(values);
            identityFiles = List.copyOf(identityFiles);
        }

        public String get(String option) {
            return values.get(option.toLowerCase(Locale.ROOT));
        }
    }

    /** True when {@code host} matches the pattern list of a {@code Host} line (ssh_config(5) PATTERNS). */
    static boolean matchesPatterns(List<String> patterns, String host) {
        boolean matched = false;
        for (String p : patterns) {
            boolean negated = p.startsWith("!");
            if (glob(negated ? p.substring(1) : p, host)) {
                if (negated) return false; // a negated match rejects the block whatever else matches
                matched = true;
            }
        }
        return matched;
    }

    /** {@code *} any run of characters, {@code ?} one character; case-insensitive as host names are. */
    static boolean glob(String pattern, String text) {
        String p = pattern.toLowerCase(Locale.ROOT);
        String t = text.toLowerCase(Locale.ROOT);
        int pi = 0, ti = 0, star = -1, mark = 0;
        while (ti < t.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == t.charAt(ti))) {
                pi++;
                ti++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = ti;
            } else if (star >= 0) {
                pi = star + 1;
                ti = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') pi++;
        return pi == p.length();
    }

    private record Option(String key, String value) {}

    /** Options before the first Host line apply to every host (patterns null). */
    private record Block(List<String> patterns, List<Option> options) {
        boolean matches(String host) {
            return patterns == null || matchesPatterns(patterns, host);
        }
    }

    private static final class Reader {
        private final List<Block> blocks;

        Reader(List<Block> blocks) {
            this.blocks = blocks;
        }

        void read(Path file, int depth) throws SshConfigException {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new SshConfigException(file + ": cannot read: " + e.getMessage());
            }
            readText(text, file, depth);
        }

        void readText(String text, Path file, int depth) throws SshConfigException {
            // Each file starts outside any Host block: OpenSSH applies an included file's leading options
            // under the Host that includes it, which this models by re-opening that block's patterns.
            List<String> outer = blocks.isEmpty() ? null : blocks.get(blocks.size() - 1).patterns;
            Block current = depth == 0 ? new Block(null, new ArrayList<>()) : new Block(outer, new ArrayList<>());
            blocks.add(current);
            String[] lines = text.split("\r?\n", -1);
            for (int n = 0; n < lines.length; n++) {
                String where = file + ":" + (n + 1);
                List<String> words = words(lines[n], where);
                if (words.isEmpty()) continue;
                String key = words.get(0).toLowerCase(Locale.ROOT);
                List<String> args = words.subList(1, words.size());
                switch (key) {
                    case "host" -> {
                        if (args.isEmpty()) throw new SshConfigException(where + ": Host needs at least one pattern");
                        current = new Block(List.copyOf(args), new ArrayList<>());
                        blocks.add(current);
                    }
                    case "match" -> {
                        // Conditions (exec, user, canonical...) are not evaluated: such a block never applies,
                        // except "Match all", which is "Host *".
                        boolean all = args.size() == 1 && args.get(0).equalsIgnoreCase("all");
                        current = new Block(all ? List.of("*") : List.of(), new ArrayList<>());
                        blocks.add(current);
                    }
                    case "include" -> {
                        if (depth >= MAX_INCLUDE_DEPTH) throw new SshConfigException(where + ": Include nested too deeply");
                        for (String a : args) include(a, file, depth, where);
                        // Options after the Include belong to the block that contained it.
                        current = new Block(current.patterns, new ArrayList<>());
                        blocks.add(current);
                    }
                    default -> {
                        if (!OPTIONS.contains(key)) continue;
                        if (key.equals("proxycommand") && !args.isEmpty()) {
                            current.options.add(new Option(key, String.join(" ", args))); // a command line
                            continue;
                        }
                        if (key.equals("userknownhostsfile") && !args.isEmpty()) {
                            current.options.add(new Option(key, String.join(" ", args))); // a list of files: the first is used
                            continue;
                        }
                        if (args.size() != 1) {
                            throw new SshConfigException(where + ": " + words.get(0) + " takes one value, got " + args.size());
                        }
                        current.options.add(new Option(key, args.get(0)));
                    }
                }
            }
        }

        private void include(String pattern, Path from, int depth, String where) throws SshConfigException {
            Path p = Path.of(expandHome(pattern));
            if (!p.isAbsolute()) p = Path.of(System.getProperty("user.home"), ".ssh").resolve(p);
            Path dir = p.getParent();
            String glob = p.getFileName().toString();
            if (!glob.contains("*") && !glob.contains("?") && !glob.contains("[")) {
                if (Files.isRegularFile(p)) read(p, depth + 1);
                return; // OpenSSH skips a missing include silently
            }
            if (dir == null || !Files.isDirectory(dir)) return;
            List<Path> matches = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
                for (Path m : s) if (Files.isRegularFile(m)) matches.add(m);
            } catch (IOException e) {
                throw new SshConfigException(where + ": cannot list " + dir + " for Include: " + e.getMessage());
            }
            matches.sort(null); // glob(3) order
            for (Path m : matches) read(m, depth + 1);
        }
    }

    /** Splits a line into words: {@code Key value}, {@code Key=value}, double quotes group; '#' starts a comment. */
    static List<String> words(String line, String where) throws SshConfigException {
        List<String> out = new ArrayList<>();
        String s = line.strip();
        if (s.isEmpty() || s.startsWith("#")) return out;
        int i = 0;
        // The keyword ends at whitespace or '=' (with optional whitespace around it).
        while (i < s.length() && !Character.isWhitespace(s.charAt(i)) && s.charAt(i) != '=') i++;
        out.add(s.substring(0, i));
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        if (i < s.length() && s.charAt(i) == '=') i++;
        StringBuilder word = null;
        boolean quoted = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                if (word == null) word = new StringBuilder();
            } else if (!quoted && Character.isWhitespace(c)) {
                if (word != null) out.add(word.toString());
                word = null;
            } else if (!quoted && c == '#' && word == null) {
                break;
            } else {
                if (word == null) word = new StringBuilder();
                word.append(c);
            }
        }
        if (quoted) throw new SshConfigException(where + ": unbalanced quotes");
        if (word != null) out.add(word.toString());
        return out;
    }

    static String expandHome(String path) {
        if (path.equals("~")) return System.getProperty("user.home");
        return path.startsWith("~/") ? System.getProperty("user.home") + path.substring(1) : path;
    }

    /**
     * Expands ssh_config(5) tokens used in IdentityFile and IdentityAgent: {@code ~}, {@code %d} (local home),
     * {@code %u} (local user), {@code %h} (remote host), {@code %r} (remote user), {@code %p} (port), {@code %%}.
     */
    static String expandTokens(String value, String host, String remoteUser, int port) {
        String v = expandHome(value);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c != '%' || i + 1 == v.length()) {
                out.append(c);
                continue;
            }
            char t = v.charAt(++i);
            switch (t) {
                case 'd' -> out.append(System.getProperty("user.home"));
                case 'u' -> out.append(System.getProperty("user.name"));
                case 'h' -> out.append(host);
                case 'r' -> out.append(remoteUser);
                case 'p' -> out.append(port);
                case '%' -> out.append('%');
                default -> out.append('%').append(t);
            }
        }
        return out.toString();
    }

    /** A configuration file that cannot be read or parsed; the message names file:line. */
    public static final class SshConfigException extends Exception {
        public SshConfigException(String message) {
            super(message);
        }
    }
}

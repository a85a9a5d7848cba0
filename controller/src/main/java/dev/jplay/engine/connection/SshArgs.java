package dev.jplay.engine.connection;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The OpenSSH command-line options in an inventory's {@code ansible_ssh_common_args}/{@code ansible_ssh_extra_args}
 * that jplay honours: {@code -o Key=Value} for the {@link SshConfig#OPTIONS}, {@code -J}, {@code -p}, {@code -l} and
 * {@code -i}. As on ssh's command line, the first value of an option wins; other options are ignored.
 */
public final class SshArgs {
    /** ssh(1) flags that take an argument: skipped with it, so the argument is not read as an option. */
    private static final Set<Character> WITH_ARGUMENT = Set.of('b', 'B', 'c', 'D', 'E', 'e', 'F', 'I', 'L', 'm', 'O',
            'Q', 'R', 'S', 'w');

    private SshArgs() {}

    /** Parses shell-quoted ssh options; IllegalArgumentException names what is malformed. */
    public static SshConfig.Options parse(String args) {
        if (args == null || args.isBlank()) return new SshConfig.Options(Map.of(), List.of());
        return parseWords(shellWords(args)).options();
    }

    /** An ssh command line after "ssh": the options jplay reads, the {@code -W} forward, the other words in order. */
    record Parsed(SshConfig.Options options, String forward, List<String> positional) {}

    static Parsed parseWords(List<String> words) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> identityFiles = new ArrayList<>();
        List<String> positional = new ArrayList<>();
        String forward = null;
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            if (!w.startsWith("-") || w.length() < 2) {
                positional.add(w);
                continue;
            }
            char flag = w.charAt(1);
            if ("oJpliW".indexOf(flag) < 0) {
                if (WITH_ARGUMENT.contains(flag) && w.length() == 2) i++;
                continue;
            }
            String value;
            if (w.length() > 2) {
                value = w.substring(2);
            } else {
                if (i + 1 >= words.size()) throw new IllegalArgumentException("ssh option " + w + " needs a value");
                value = words.get(++i);
            }
            switch (flag) {
                case 'o' -> option(value, values, identityFiles);
                case 'J' -> values.putIfAbsent("proxyjump", value);
                case 'p' -> values.putIfAbsent("port", value);
                case 'l' -> values.putIfAbsent("user", value);
                case 'i' -> identityFiles.add(value);
                case 'W' -> forward = value;
                default -> throw new IllegalStateException("unreachable: " + flag);
            }
        }
        return new Parsed(new SshConfig.Options(values, identityFiles), forward, positional);
    }

    private static void option(String text, Map<String, String> values, List<String> identityFiles) {
        List<String> kv;
        try {
            kv = SshConfig.words(text, "-o");
        } catch (SshConfig.SshConfigException e) {
            throw new IllegalArgumentException("ssh option -o '" + text + "': " + e.getMessage());
        }
        if (kv.size() < 2) throw new IllegalArgumentException("ssh option -o '" + text + "' has no value");
        String key = kv.get(0).toLowerCase(Locale.ROOT);
        String value = String.join(" ", kv.subList(1, kv.size()));
        if (key.equals("identityfile")) identityFiles.add(value);
        else if (SshConfig.OPTIONS.contains(key)) values.putIfAbsent(key, value);
    }

    /** POSIX shell word splitting with single quotes, double quotes and backslashes (no expansions). */
    static List<String> shellWords(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder w = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') {
                int end = s.indexOf('\'', i + 1);
                if (end < 0) throw new IllegalArgumentException("unbalanced single quote in ssh arguments: " + s);
                if (w == null) w = new StringBuilder();
                w.append(s, i + 1, end);
                i = end;
            } else if (c == '"') {
                if (w == null) w = new StringBuilder();
                int j = i + 1;
                for (; j < s.length() && s.charAt(j) != '"'; j++) {
                    if (s.charAt(j) == '\\' && j + 1 < s.length() && "\"\\$`".indexOf(s.charAt(j + 1)) >= 0) j++;
                    w.append(s.charAt(j));
                }
                if (j >= s.length()) throw new IllegalArgumentException("unbalanced double quote in ssh arguments: " + s);
                i = j;
            } else if (c == '\\' && i + 1 < s.length()) {
                if (w == null) w = new StringBuilder();
                w.append(s.charAt(++i));
            } else if (Character.isWhitespace(c)) {
                if (w != null) out.add(w.toString());
                w = null;
            } else {
                if (w == null) w = new StringBuilder();
                w.append(c);
            }
        }
        if (w != null) out.add(w.toString());
        return out;
    }
}

package dev.jplay.modules.command;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a command string into argv the way Python's {@code shlex.split} (POSIX mode) does, which is what
 * Ansible's {@code command} module uses: whitespace separates words, single quotes keep everything literal,
 * double quotes keep everything but {@code \"} and {@code \\}, a backslash outside quotes escapes the next
 * character. Nothing is expanded: no variables, globs or redirections.
 */
public final class CommandLine {
    private CommandLine() {}

    /** @throws IllegalArgumentException for an unterminated quote or a trailing backslash */
    public static List<String> split(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        int i = 0;
        while (i < line.length()) {
            char c = line.charAt(i++);
            if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (c == '\'') {
                int end = line.indexOf('\'', i);
                if (end < 0) throw new IllegalArgumentException("unterminated single quote at " + (i - 1));
                word.append(line, i, end);
                i = end + 1;
                inWord = true;
            } else if (c == '"') {
                int start = i - 1;
                while (true) {
                    if (i >= line.length()) throw new IllegalArgumentException("unterminated double quote at " + start);
                    char d = line.charAt(i++);
                    if (d == '"') break;
                    if (d == '\\' && i < line.length() && (line.charAt(i) == '"' || line.charAt(i) == '\\')) {
                        d = line.charAt(i++);
                    }
                    word.append(d);
                }
                inWord = true;
            } else if (c == '\\') {
                if (i >= line.length()) throw new IllegalArgumentException("trailing backslash");
                word.append(line.charAt(i++));
                inWord = true;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) words.add(word.toString());
        return words;
    }
}

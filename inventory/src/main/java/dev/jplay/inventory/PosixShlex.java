package dev.jplay.inventory;

import java.util.ArrayList;
import java.util.List;

/**
 * Python's {@code shlex.split(line, comments=True)}, which Ansible uses for INI host lines: POSIX quoting,
 * backslash escapes, and {@code #} starting a comment even inside a word.
 */
final class PosixShlex {
    /** A token and the 0-based offset in the line where it started. */
    record Token(String text, int offset) {}

    private PosixShlex() {}

    static List<Token> split(String line) {
        List<Token> tokens = new ArrayList<>();
        StringBuilder token = new StringBuilder();
        char state = ' '; // ' ' between tokens, 'a' in a word, '\'' or '"' in quotes
        char beforeEscape = 0; // state to return to after a backslash
        boolean inToken = false;
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (beforeEscape != 0) {
                // Inside double quotes a backslash only escapes '"' and '\'.
                if (beforeEscape == '"' && c != '"' && c != '\\') token.append('\\');
                token.append(c);
                state = beforeEscape;
                beforeEscape = 0;
                continue;
            }
            switch (state) {
                case ' ':
                case 'a':
                    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                        if (inToken) tokens.add(new Token(token.toString(), start));
                        token.setLength(0);
                        inToken = false;
                        state = ' ';
                    } else if (c == '#') {
                        if (inToken) tokens.add(new Token(token.toString(), start));
                        return tokens;
                    } else {
                        if (!inToken) { inToken = true; start = i; }
                        if (c == '\'' || c == '"') state = c;
                        else if (c == '\\') beforeEscape = 'a';
                        else { token.append(c); state = 'a'; }
                    }
                    break;
                case '\'':
                    if (c == '\'') state = 'a';
                    else token.append(c);
                    break;
                default: // '"'
                    if (c == '"') state = 'a';
                    else if (c == '\\') beforeEscape = '"';
                    else token.append(c);
            }
        }
        if (beforeEscape != 0) throw new IllegalArgumentException("No escaped character");
        if (state == '\'' || state == '"') throw new IllegalArgumentException("No closing quotation");
        if (inToken) tokens.add(new Token(token.toString(), start));
        return tokens;
    }
}

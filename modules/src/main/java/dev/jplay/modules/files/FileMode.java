package dev.jplay.modules.files;

import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;

/**
 * A permission mode as playbooks write it: an octal string ({@code "0644"}, {@code "644"}), an integer that
 * YAML 1.1 already read as octal ({@code 0644} arrives as 420), or symbolic ({@code "u=rw,g=r,o=r"},
 * {@code "a+X"}, {@code "u+s"}). Symbolic modes are relative to the current mode of the file.
 */
public final class FileMode {
    private static final int ALL = 07777;
    private final Integer absolute;
    private final String symbolic;

    private FileMode(Integer absolute, String symbolic) {
        this.absolute = absolute;
        this.symbolic = symbolic;
    }

    /** Parses {@code value} (String or Number); {@code null} means "leave the mode alone". */
    public static FileMode parse(String module, Object value) throws ModuleException {
        if (value == null) return null;
        if (value instanceof Number n) {
            int v = n.intValue();
            if (v < 0 || v > ALL) throw bad(module, value);
            return new FileMode(v, null);
        }
        String s = value.toString().trim();
        if (s.matches("0?[oO]?[0-7]{1,4}")) {
            return new FileMode(Integer.parseInt(s.replaceFirst("^0?[oO]", ""), 8), null);
        }
        FileMode symbolic = new FileMode(null, s);
        symbolic.applySymbolic(module, 0, false);
        return symbolic;
    }

    /** The mode to set on a file whose current mode is {@code current} ({@code isDirectory} matters for X). */
    public int resolve(String module, int current, boolean isDirectory) throws ModuleException {
        return absolute != null ? absolute : applySymbolic(module, current & ALL, isDirectory);
    }

    /** {@code 420} → {@code "0644"}. */
    public static String format(int mode) {
        return String.format("%04o", mode & ALL);
    }

    private int applySymbolic(String module, int mode, boolean isDirectory) throws ModuleException {
        for (String clause : symbolic.split(",")) {
            int i = 0;
            int who = 0;
            for (; i < clause.length() && "ugoa".indexOf(clause.charAt(i)) >= 0; i++) {
                switch (clause.charAt(i)) {
                    case 'u' -> who |= 04700;
                    case 'g' -> who |= 02070;
                    case 'o' -> who |= 01007;
                    default -> who |= 07777;
                }
            }
            if (who == 0) who = 07777;
            if (i >= clause.length() || "+-=".indexOf(clause.charAt(i)) < 0) throw bad(module, symbolic);
            while (i < clause.length()) {
                char op = clause.charAt(i++);
                if ("+-=".indexOf(op) < 0) throw bad(module, symbolic);
                int bits = 0;
                for (; i < clause.length() && "+-=".indexOf(clause.charAt(i)) < 0; i++) {
                    bits |= switch (clause.charAt(i)) {
                        case 'r' -> 0444;
                        case 'w' -> 0222;
                        case 'x' -> 0111;
                        case 'X' -> isDirectory || (mode & 0111) != 0 ? 0111 : 0;
                        case 's' -> 06000;
                        case 't' -> 01000;
                        default -> throw bad(module, symbolic);
                    };
                }
                bits &= who;
                mode = switch (op) {
                    case '+' -> mode | bits;
                    case '-' -> mode & ~bits;
                    default -> (mode & ~who) | bits;
                };
            }
        }
        return mode;
    }

    private static ModuleException bad(String module, Object value) {
        return new ModuleException(Step.ARGS, "ARG_TYPE", module + ": argument 'mode' must be an octal mode like \"0644\""
                + " or a symbolic mode like \"u=rw,g=r,o=r\", got '" + value + "'");
    }
}

package dev.jplay.reports;

import java.util.regex.Pattern;

/**
 * Makes untrusted text (agent output, messages) printable in XML, HTML and terminals: terminal escape
 * sequences are removed, characters XML 1.0 forbids become U+FFFD, long output keeps its tail.
 */
public final class SafeText {
    private static final Pattern ANSI = Pattern.compile("\u001B(?:\\[[0-?]*[ -/]*[@-~]|\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)?|[@-_])");

    private SafeText() {}

    /** Text fit for XML 1.0 and HTML: only tab, LF, CR and printable characters remain. */
    public static String clean(String s) {
        if (s == null) return "";
        String text = s.indexOf('\u001B') >= 0 ? ANSI.matcher(s).replaceAll("") : s;
        StringBuilder out = null;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            int n = Character.charCount(cp);
            boolean valid = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF)
                    || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
            if (!valid && out == null) out = new StringBuilder(text.length()).append(text, 0, i);
            if (out != null) {
                if (valid) out.appendCodePoint(cp); else out.append('\uFFFD');
            }
            i += n;
        }
        return out == null ? text : out.toString();
    }

    /** The last {@code maxChars} characters, cut at a line start when one is near, marked when cut. */
    public static String tail(String s, int maxChars) {
        if (s == null) return "";
        if (s.length() <= maxChars) return s;
        int from = s.length() - maxChars;
        if (Character.isLowSurrogate(s.charAt(from))) from++;
        int nl = s.indexOf('\n', from);
        if (nl >= 0 && nl - from < 200) from = nl + 1;
        return "[… " + from + " chars cut …]\n" + s.substring(from);
    }
}

package dev.jplay.runtime.launch;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the end of text and log files without loading all of them. */
final class Tail {
    private Tail() {}

    /** The last {@code maxBytes} bytes of a file, or "" when it does not exist. */
    static String lastBytes(Path file, long maxBytes) throws IOException {
        if (!Files.isRegularFile(file)) return "";
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            long start = Math.max(0, length - Math.max(0, maxBytes));
            byte[] buffer = new byte[(int) (length - start)];
            in.seek(start);
            in.readFully(buffer);
            return new String(buffer, StandardCharsets.UTF_8);
        }
    }

    /** The last lines of text, bounded by line count and characters. */
    static String lastLines(String text, int maxLines, int maxChars) {
        if (text == null) return null;
        String trimmed = text.strip();
        String[] lines = trimmed.split("\n");
        int from = Math.max(0, lines.length - maxLines);
        String tail = String.join("\n", java.util.Arrays.copyOfRange(lines, from, lines.length));
        return tail.length() <= maxChars ? tail : tail.substring(tail.length() - maxChars);
    }
}

package dev.jplay.engine.yaml;

import java.nio.file.Path;

/** A place in a source file; line and column are 1-based, as editors show them. */
public record Location(Path file, int line, int column) {
    public Location {
        if (line < 1 || column < 1) {
            throw new IllegalArgumentException("line and column are 1-based, got " + line + ":" + column);
        }
    }

    /** The start of {@code file}, for problems that concern a whole file. */
    public static Location startOf(Path file) {
        return new Location(file, 1, 1);
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column;
    }
}

package dev.jplay.cli;

/** Entry point of the {@code jplay} command. */
public final class Main {
    public static void main(String[] args) {
        System.err.println("jplay: not yet wired");
        System.exit(1);
    }
}

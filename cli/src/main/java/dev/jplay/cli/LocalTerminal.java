package dev.jplay.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The controlling terminal of this process ({@code /dev/tty}), driven with {@code stty} as a shell would: its size,
 * raw mode for an interactive command (and the settings to restore, also from a shutdown hook on Ctrl-C-less exits),
 * and resize notifications (SIGWINCH).
 */
final class LocalTerminal {
    private static final File TTY = new File("/dev/tty");

    private String saved;
    private Thread restoreHook;

    private LocalTerminal() {}

    /** The terminal when stdin and stdout are one ({@code System.console()}), else empty. */
    static Optional<LocalTerminal> current() {
        if (System.console() == null || !TTY.exists()) return Optional.empty();
        return Optional.of(new LocalTerminal());
    }

    /** Columns and rows ({@code stty size}); 80x24 when it cannot be read. */
    int[] size() {
        String[] parts = stty("size").strip().split("\\s+");
        try {
            if (parts.length == 2) {
                int rows = Integer.parseInt(parts[0]);
                int cols = Integer.parseInt(parts[1]);
                if (rows > 0 && cols > 0) return new int[] {cols, rows};
            }
        } catch (NumberFormatException e) {
            // fall through
        }
        return new int[] {80, 24};
    }

    /** Raw mode, no echo; false when the terminal's settings could not be read (then nothing was changed). */
    boolean raw() {
        saved = stty("-g").strip();
        if (saved.isEmpty()) return false;
        restoreHook = new Thread(this::restoreNow, "jplay-tty-restore");
        Runtime.getRuntime().addShutdownHook(restoreHook);
        stty("raw", "-echo");
        return true;
    }

    void restore() {
        restoreNow();
        try {
            if (restoreHook != null) Runtime.getRuntime().removeShutdownHook(restoreHook);
        } catch (IllegalStateException e) {
            // shutting down: the hook runs anyway
        }
    }

    private synchronized void restoreNow() {
        if (saved != null && !saved.isEmpty()) stty(saved);
        saved = null;
    }

    /** Calls {@code listener} with the new columns and rows whenever the terminal is resized. */
    @SuppressWarnings("restriction")
    void onResize(Consumer<int[]> listener) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("WINCH"), s -> listener.accept(size()));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // no SIGWINCH here: the size stays what it was at the start
        }
    }

    /** Runs stty on the terminal, within 5 s; its output ("" when it failed). */
    private static String stty(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "stty";
        System.arraycopy(args, 0, command, 1, args.length);
        try {
            Process p = new ProcessBuilder(command).redirectInput(TTY).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            // Its output is a line: it fits the pipe, so waiting first cannot block stty, and a stuck stty is given up on.
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            byte[] out = p.getInputStream().readAllBytes();
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}

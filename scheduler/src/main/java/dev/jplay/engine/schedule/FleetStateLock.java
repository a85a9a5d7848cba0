package dev.jplay.engine.schedule;

import dev.jplay.engine.playbook.Playbook;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The lock on a fleet state directory (replica placements and IP leases): whoever plans from that state and writes
 * it back ({@code jplay apply}, a scheduled rollout, {@code jplay plan --write-state}) holds it for the whole run,
 * so two runs never lease the same address from the state each of them read. It is a {@link ProcessLock} on
 * {@code <state dir>/}{@value #FILE_NAME}: the kernel drops it when its process dies, and the file names the holder.
 */
public final class FleetStateLock {
    public static final String FILE_NAME = "fleet.lock";

    /** Taking the lock failed: another run holds it (and did not release it within the wait). */
    public static final class LockedException extends Exception {
        private final transient ProcessLock.Holder holder;

        LockedException(String message, ProcessLock.Holder holder) {
            super(message);
            this.holder = holder;
        }

        /** Who held the lock when the wait ended (null when it was released between the last try and the read). */
        public ProcessLock.Holder holder() {
            return holder;
        }
    }

    private FleetStateLock() {}

    /**
     * Whether a run of {@code playbook} plans from and writes the fleet state: only plays with {@code replicas} do. A
     * playbook without them neither needs the lock nor creates a state directory beside itself.
     */
    public static boolean guards(Playbook playbook) {
        return playbook.plays().stream().anyMatch(play -> play.replicas() != null);
    }

    public static Path fileOf(Path stateDir) {
        return stateDir.resolve(FILE_NAME);
    }

    /**
     * Takes the lock on {@code stateDir}, waiting at most {@code timeout} (zero: fail at once) and no longer than
     * {@code cancelled} stays false. {@code onWait} hears once who is waited for.
     */
    public static ProcessLock acquire(Path stateDir, ProcessLock.Holder me, Duration timeout, BooleanSupplier cancelled,
                                      Consumer<String> onWait) throws IOException, LockedException {
        Path file = fileOf(stateDir);
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        boolean announced = false;
        long pauseMillis = 20;
        while (true) {
            Optional<ProcessLock> lock = ProcessLock.tryAcquire(file, me);
            if (lock.isPresent()) return lock.get();
            Optional<ProcessLock.Holder> holder = ProcessLock.holder(file);
            // A wait that was asked for is announced before it can end, even when the first attempt alone (class
            // loading on a loaded machine) used up a short timeout: whoever waits learns who holds the state.
            if (!announced && !timeout.isZero()) {
                onWait.accept("fleet state " + file + " is locked by " + describe(holder.orElse(null)) + "; waiting up to "
                        + Durations.format(timeout));
                announced = true;
            }
            long now = System.nanoTime();
            if (now >= deadline || cancelled.getAsBoolean()) {
                throw new LockedException(message(file, holder.orElse(null), Duration.ofNanos(now - start)), holder.orElse(null));
            }
            try {
                Thread.sleep(Math.min(pauseMillis, Math.max(1, (deadline - now) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LockedException(message(file, holder.orElse(null), Duration.ofNanos(System.nanoTime() - start))
                        + " (interrupted)", holder.orElse(null));
            }
            pauseMillis = Math.min(pauseMillis * 2, 250); // a rollout holds it for seconds to hours: 4 looks a second
        }
    }

    /** "fleet state F is locked by apply run R (user@host pid N) since T; waited W". */
    static String message(Path file, ProcessLock.Holder holder, Duration waited) {
        return "fleet state " + file + " is locked by " + describe(holder) + "; waited " + formatWait(waited);
    }

    /** The holder in one phrase; a lock file without a holder (released meanwhile, or emptied) says so. */
    static String describe(ProcessLock.Holder h) {
        if (h == null) return "another run (its holder file is empty: it was just released)";
        StringBuilder b = new StringBuilder(h.owner() == null ? "an unnamed holder" : h.owner());
        if (h.runId() != null) b.append(" run ").append(h.runId());
        String user = h.user() == null ? "?" : h.user();
        if (h.process() != null) b.append(" (").append(user).append('@').append(h.process().host()).append(" pid ").append(h.process().pid()).append(')');
        else if (h.user() != null) b.append(" (").append(user).append(')');
        if (h.since() != null) b.append(" since ").append(h.since());
        return b.toString();
    }

    private static String formatWait(Duration waited) {
        return waited.toMillis() < 1000 ? waited.toMillis() + "ms" : Durations.format(Duration.ofSeconds(waited.toSeconds()));
    }

    /** The holder a run writes: its kind ("apply", "schedule web"), run id, this process and user, now. */
    public static ProcessLock.Holder holder(String owner, String runId, Clock clock) {
        return new ProcessLock.Holder(ProcessIdentity.current(), RunRecorder.now(clock), owner, runId);
    }
}

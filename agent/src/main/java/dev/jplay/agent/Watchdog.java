package dev.jplay.agent;

import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One shared thread for every request's deadline. Arming and disarming are a put and a remove in a concurrent set:
 * no lock shared by the workers, no wake-up of the timer per request. The thread looks at the armed deadlines every
 * {@link #TICK_MS} ms, so a deadline fires up to that late, which is nothing next to the grace it gets anyway.
 * Measured with 100 000 pipelined pings through the agent jar (CPU, 5 runs each): a ScheduledThreadPoolExecutor,
 * whose schedule/cancel take its queue lock and may wake its thread, added ~7 µs per request; this set and the rest
 * of the deadline bookkeeping (activity record, claim) ~1.5 µs, i.e. 0.3 ms for bench/controller.sh's 200 requests.
 */
final class Watchdog extends Thread {
    static final long TICK_MS = 100;

    /** A request's deadline. */
    interface Deadline {
        long expiresAtNanos();

        /** Called once, on the watchdog's thread, when the deadline has passed and it is still armed. */
        void expire();
    }

    private final Set<Deadline> armed = ConcurrentHashMap.newKeySet();

    Watchdog() {
        super("jplay-agent-watchdog");
        setDaemon(true);
    }

    void arm(Deadline d) { armed.add(d); }

    void disarm(Deadline d) { armed.remove(d); }

    @Override
    public void run() {
        try {
            while (!isInterrupted()) {
                TimeUnit.MILLISECONDS.sleep(TICK_MS);
                long now = System.nanoTime();
                for (Iterator<Deadline> it = armed.iterator(); it.hasNext(); ) {
                    Deadline d = it.next();
                    if (now - d.expiresAtNanos() >= 0) {
                        it.remove();
                        try {
                            d.expire();
                        } catch (RuntimeException | Error e) {
                            System.err.println("jplay-agent: watchdog: " + e);
                        }
                    }
                }
            }
        } catch (InterruptedException e) {
            // the agent stops serving
        }
    }
}

package dev.jplay.agent;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * One shared timer thread for every request's deadline: arming is a heap insert and a finished request's
 * cancel removes its entry, so a request costs no thread and leaves nothing behind.
 */
final class Watchdog {
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, new TimerThread());

    Watchdog() {
        timer.setRemoveOnCancelPolicy(true);
    }

    ScheduledFuture<?> arm(Runnable expiry, long delayMs) {
        return timer.schedule(expiry, delayMs, TimeUnit.MILLISECONDS);
    }

    void shutdown() {
        timer.shutdownNow();
    }

    private static final class TimerThread implements ThreadFactory {
        @Override
        public Thread newThread(Runnable r) {
            Thread t = new Thread(r, "jplay-agent-watchdog");
            t.setDaemon(true);
            return t;
        }
    }
}

package dev.jplay.engine.schedule;

import java.nio.file.Path;
import java.time.Instant;

/** Takes a lock and holds it until killed. */
public final class LockHolderMain {
    public static void main(String[] args) throws Exception {
        ProcessLock lock = ProcessLock.tryAcquire(Path.of(args[0]),
                new ProcessLock.Holder(ProcessIdentity.current(), Instant.now().toString(), "holder", null)).orElseThrow();
        System.out.println("locked " + lock.file());
        Thread.sleep(600_000);
    }
}

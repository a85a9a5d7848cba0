package dev.jplay.runtime.unpack;

/**
 * Which entry the unpacker is at, for a caller that reports what it is doing (the agent's activity record: a
 * stuck unpack names its layer and entry path). Thread-scoped: an unpack runs on its caller's thread, reached
 * through {@link dev.jplay.runtime.snapshot.LayerStore}, whose API is per layer and has no place for an observer.
 *
 * <pre>{@code
 * try (UnpackProgress.Scope s = UnpackProgress.observe(path -> lane.entry = path)) { layers.ensure(...); }
 * }</pre>
 */
public final class UnpackProgress {
    /** Told each entry's name (as in the tar) before it is written. Called once per entry: keep it cheap. */
    public interface Observer {
        void entry(String name);
    }

    /** Ends the observation on close. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    private static final ThreadLocal<Observer> CURRENT = new ThreadLocal<>();
    private static final Scope END = new End();

    private UnpackProgress() {}

    /** Observes unpacks on this thread until the scope closes. */
    public static Scope observe(Observer observer) {
        CURRENT.set(observer);
        return END;
    }

    static void entry(String name) {
        Observer o = CURRENT.get();
        if (o != null) o.entry(name);
    }

    private static final class End implements Scope {
        @Override
        public void close() { CURRENT.remove(); }
    }
}

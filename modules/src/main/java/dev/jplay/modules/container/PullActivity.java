package dev.jplay.modules.container;

import dev.jplay.modules.Activity;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.registry.PulledLayer;
import dev.jplay.runtime.registry.PullProgress;
import dev.jplay.runtime.unpack.UnpackProgress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A pull's part of the request's {@link Activity}: one lane per blob downloading ("fetching blob sha256:… (N of M
 * bytes)") and one per layer unpacking ("unpacking layer sha256:… at entry 'usr/bin/x'"). Updating a lane sets a
 * field; the text is built only when the watchdog reads it.
 */
final class PullActivity implements PullProgress {
    private final Activity activity;
    private final Map<Digest, Fetching> fetching = new ConcurrentHashMap<>();

    PullActivity(Activity activity) {
        this.activity = activity;
    }

    @Override
    public void received(Digest blob, long received, long size) {
        Fetching lane = fetching.get(blob);
        if (lane == null) {
            lane = new Fetching(blob, size);
            fetching.put(blob, lane);
            activity.lane("fetch " + blob, lane);
        }
        lane.received = received;
    }

    @Override
    public void ended(Digest blob) {
        if (fetching.remove(blob) != null) activity.endLane("fetch " + blob);
    }

    /** A lane for unpacking {@code layer} on this thread, until closed. */
    Unpacking unpacking(PulledLayer layer) {
        return new Unpacking(activity, layer);
    }

    private static final class Fetching {
        private final Digest blob;
        private final long size;
        volatile long received;

        Fetching(Digest blob, long size) {
            this.blob = blob;
            this.size = size;
        }

        @Override
        public String toString() {
            return "fetching blob " + blob + " (" + received + " of " + size + " bytes)";
        }
    }

    static final class Unpacking implements UnpackProgress.Observer, AutoCloseable {
        private final Activity activity;
        private final String key;
        private final PulledLayer layer;
        private final UnpackProgress.Scope scope;
        private volatile String entry;

        Unpacking(Activity activity, PulledLayer layer) {
            this.activity = activity;
            this.layer = layer;
            this.key = "unpack " + layer.digest();
            activity.lane(key, this);
            this.scope = UnpackProgress.observe(this);
        }

        @Override
        public void entry(String name) {
            entry = name;
        }

        @Override
        public void close() {
            scope.close();
            activity.endLane(key);
        }

        @Override
        public String toString() {
            String e = entry;
            return "unpacking layer " + layer.digest() + (e == null ? " (before its first entry)" : " at entry '" + e + "'");
        }
    }
}

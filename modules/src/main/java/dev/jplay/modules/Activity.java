package dev.jplay.modules;

import dev.jplay.protocol.Step;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * What a request is doing now, so that a request that overruns its deadline can say where it stuck: "fetching
 * blob sha256:… (N of M bytes)", "unpacking layer sha256:…: entry usr/bin/x", "runc start of web-1". A module
 * sets its current step with {@link #now}; work that runs in parallel within one request (layer downloads and
 * unpacks) reports in {@link #lane lanes} of its own. The agent's watchdog reads {@link #describe()} from another
 * thread.
 *
 * <p>Descriptions are objects whose {@code toString()} is called only when read: a module may update one per
 * file or per buffer without building a string each time.
 */
public final class Activity {
    private volatile Step step = Step.EXEC;
    private volatile Object doing;
    /** Created by the first lane: most requests never open one. */
    private volatile Map<String, Object> lanes;

    /** The request's current step (a report's {@code step}: exec, fetch, unpack, create, start, health, ...) and what it does. */
    public void now(Step step, Object what) {
        this.step = step;
        this.doing = what;
    }

    /** One of several things this request does at once (e.g. a layer download), under a key such as its digest. */
    public void lane(String key, Object what) {
        Map<String, Object> m = lanes;
        if (m == null) {
            synchronized (this) {
                if (lanes == null) lanes = new ConcurrentSkipListMap<>();
                m = lanes;
            }
        }
        m.put(key, what);
    }

    public void endLane(String key) {
        Map<String, Object> m = lanes;
        if (m != null) m.remove(key);
    }

    public Step step() { return step; }

    /** The current step's description and every open lane, or "nothing reported" when the module said nothing. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        Object d = doing;
        if (d != null) sb.append(d);
        Map<String, Object> m = lanes;
        for (Object lane : m == null ? Map.of().values() : m.values()) {
            if (sb.length() > 0) sb.append("; ");
            sb.append(lane);
        }
        return sb.length() == 0 ? "nothing reported" : sb.toString();
    }

    @Override
    public String toString() { return describe(); }
}

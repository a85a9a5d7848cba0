package dev.jplay.reports;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run as a stream of JSON-lines events (like ansible-runner's job events): {@code run_start},
 * {@code play_start}, {@code task_start}, {@code host_result}, {@code play_end}, {@code run_end}.
 * Each line is one complete object with {@code event}, {@code seq} and {@code time}; sinks are flushed per event.
 */
public final class EventStream implements AutoCloseable {
    private final ObjectMapper json = new ObjectMapper();
    private final List<OutputStream> sinks = new ArrayList<>();
    private long seq;

    public EventStream add(OutputStream sink) {
        sinks.add(sink);
        return this;
    }

    public synchronized void emit(String event, Map<String, Object> fields) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("event", event);
        line.put("seq", ++seq);
        line.put("time", Instant.now().toString());
        line.putAll(fields);
        try {
            byte[] bytes = json.writeValueAsBytes(line);
            for (OutputStream s : sinks) {
                s.write(bytes);
                s.write('\n');
                s.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write event " + event, e);
        }
    }

    @Override
    public synchronized void close() throws IOException {
        for (OutputStream s : sinks) {
            if (s != System.out) s.close();
        }
    }
}

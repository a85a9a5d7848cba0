package dev.jplay.runtime.registry;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A layer's {@link LayerListener} fed while the layer downloads, which can start over: when a peer's bytes are
 * dropped after some of them reached the listener, its stream fails (the listener keeps nothing of a failed
 * stream, e.g. an unpack removes its temporary layer) and a new listener call reads the blob from its next source.
 */
final class LayerFeed {
    /** How long a failed listener may take to give up before it is interrupted. */
    private static final long END_WAIT_SECONDS = 60;

    private final PulledLayer layer;
    private final LayerListener listener;
    private final ExecutorService consumers;
    private StreamPipe pipe;
    private Future<?> consumer;

    LayerFeed(PulledLayer layer, LayerListener listener, ExecutorService consumers) {
        this.layer = layer;
        this.listener = listener;
        this.consumers = consumers;
        start();
    }

    private void start() {
        StreamPipe fresh = new StreamPipe();
        pipe = fresh;
        consumer = consumers.submit(() -> {
            try (InputStream in = fresh.reader()) {
                listener.onLayer(layer, in);
            }
            return null;
        });
    }

    StreamPipe pipe() {
        return pipe;
    }

    /** The current listener call: the one whose outcome is the layer's. */
    Future<?> consumer() {
        return consumer;
    }

    /** Fails the current listener's stream with {@code reason}, waits for it to end, and starts a new one. */
    void restart(String reason) throws InterruptedException {
        pipe.fail(new IOException(reason));
        try {
            consumer.get(END_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException expected) {
            // it failed on the stream we failed: what we asked for
        } catch (TimeoutException e) {
            consumer.cancel(true);
        }
        start();
    }
}

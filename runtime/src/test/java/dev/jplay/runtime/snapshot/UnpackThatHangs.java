package dev.jplay.runtime.snapshot;

import dev.jplay.runtime.unpack.TarBuilder;
import dev.jplay.runtime.unpack.UnpackLimits;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.file.Path;
import java.util.Random;

/**
 * A stand-in for an agent killed mid-pull: unpacks a layer whose blob delivers its first half, then stalls (as a
 * download does when the agent is about to be killed), prints "stalled" and waits for its stdin to end.
 */
public final class UnpackThatHangs {
    private UnpackThatHangs() {}

    /** The layer: one 4 MiB file of random bytes (so the compressed half carries about 2 MiB of it). */
    static byte[] tar() {
        byte[] content = new byte[4 << 20];
        new Random(42).nextBytes(content);
        return new TarBuilder().dir("data", 0755).file("data/big", content, 0644).file("data/after", "after".getBytes(), 0644).tar();
    }

    public static void main(String[] args) throws IOException {
        byte[] tar = tar();
        byte[] blob = TarBuilder.gzip(tar);
        InputStream firstHalf = new ByteArrayInputStream(blob, 0, blob.length / 2);
        InputStream stall = new InputStream() {
            @Override
            public int read() throws IOException {
                System.out.println("stalled");
                System.out.flush();
                while (System.in.read() >= 0) { /* wait for our end */ }
                throw new IOException("stdin closed");
            }
        };
        new LayerStore(Path.of(args[0])).ensure(TarBuilder.diffId(tar), "application/vnd.oci.image.layer.v1.tar+gzip",
                () -> new SequenceInputStream(firstHalf, stall), UnpackLimits.defaults());
    }
}

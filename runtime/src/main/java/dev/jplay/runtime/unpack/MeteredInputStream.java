package dev.jplay.runtime.unpack;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

/**
 * The uncompressed tar stream as it flows by: hashed for the diff_id, counted, and cut off at the limits.
 * A "header window" bounds what the tar reader may consume while it parses one entry's headers into memory.
 */
final class MeteredInputStream extends FilterInputStream {
    private final MessageDigest sha256;
    private final long maxBytes;
    private long position;
    private long headerWindowEnd = Long.MAX_VALUE;
    private int headerWindowSize;
    private long headerWindowStart;
    private byte[] headerBytes = new byte[4096];
    private int headerLength;
    private boolean capturing;

    MeteredInputStream(InputStream in, long maxBytes) {
        super(in);
        this.maxBytes = maxBytes;
        try {
            this.sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    /** From now on at most {@code bytes} may be read until {@link #closeHeaderWindow()}. */
    void openHeaderWindow(int bytes) {
        headerWindowSize = bytes;
        headerWindowStart = position;
        headerWindowEnd = position + bytes;
        headerLength = 0;
        capturing = true;
    }

    void closeHeaderWindow() {
        headerWindowEnd = Long.MAX_VALUE;
        capturing = false;
    }

    /** Raw PAX xattrs among the bytes read in the last header window. */
    Map<String, byte[]> capturedXattrs() {
        return PaxXattrs.parse(headerBytes, headerLength, headerWindowStart);
    }

    long position() {
        return position;
    }

    String diffId() {
        return "sha256:" + HexFormat.of().formatHex(sha256.digest());
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            sha256.update(b, off, n);
            position += n;
            if (position > maxBytes) {
                throw new UnpackLimitException("uncompressed layer exceeds the limit of " + maxBytes + " bytes");
            }
            if (position > headerWindowEnd) {
                throw new UnpackLimitException("tar entry headers exceed the limit of " + headerWindowSize + " bytes");
            }
            if (capturing) {
                capture(b, off, n);
            }
        }
        return n;
    }

    private void capture(byte[] b, int off, int n) {
        if (headerLength + n > headerBytes.length) {
            headerBytes = Arrays.copyOf(headerBytes, Math.max(headerBytes.length * 2, headerLength + n));
        }
        System.arraycopy(b, off, headerBytes, headerLength, n);
        headerLength += n;
    }

    /** Every byte must be hashed, so skipping reads. */
    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 1 << 16)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    /** Reads to the end (tar padding after the end-of-archive blocks belongs to the diff_id too). */
    void drain() throws IOException {
        byte[] buffer = new byte[1 << 16];
        while (read(buffer, 0, buffer.length) >= 0) {
            // hashing happens in read
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}

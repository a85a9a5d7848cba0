package dev.jplay.runtime.unpack;

import java.io.File;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Watches a layer grow while it unpacks: its expansion ratio (uncompressed tar bytes per compressed byte read,
 * once past the floor) and the free space of the filesystem it is written to, which must stay above the reserve.
 * A layer of 20 MiB that expands to 20 GiB of zeros wrote 7.5 GB in 90 s before this existed.
 *
 * <p>Free space is asked for (one statfs) every {@code reserve / 8} bytes of tar, at least 1 MiB and at most 32
 * MiB apart, so the reserve is never overshot by more than an eighth of itself; the ratio is checked on every read.
 * Tar bytes bound what is written, but a tiny file takes a whole block on disk: layers of many tiny files are
 * bounded by the entry limit.
 */
final class GrowthGuard {
    private static final long MIN_CHECK_INTERVAL = 1L << 20;
    private static final long MAX_CHECK_INTERVAL = 32L << 20;

    private final UnpackLimits limits;
    private final Path dir;
    /**
     * Asked through java.io (statvfs on the path, 10 us for size and free space): java.nio's FileStore first scans
     * /proc/self/mounts, 170-370 us with 30 mounts, more on a host with many container mounts.
     */
    private final File statvfs;
    private final long total;
    private final long reserve;
    private final long interval;
    private long compressed;
    private long uncompressed;
    private long nextSpaceCheck;

    GrowthGuard(UnpackLimits limits, Path dir) throws IOException {
        this.limits = limits;
        this.dir = dir;
        this.statvfs = dir.toFile();
        this.total = statvfs.getTotalSpace();
        if (total == 0) {
            throw new UnpackException("cannot read the size of the filesystem of " + dir + " (statvfs failed)");
        }
        this.reserve = limits.reserveOf(total);
        this.interval = Math.max(MIN_CHECK_INTERVAL, Math.min(MAX_CHECK_INTERVAL, reserve / 8));
        this.nextSpaceCheck = interval;
    }

    /** Counts the compressed bytes read from {@code blob}. */
    InputStream compressed(InputStream blob) {
        return new FilterInputStream(blob) {
            @Override
            public int read() throws IOException {
                int b = in.read();
                if (b >= 0) {
                    compressed++;
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    compressed += n;
                }
                return n;
            }
        };
    }

    /** Checks the bounds as the uncompressed {@code tar} is read. */
    InputStream uncompressed(InputStream tar) {
        return new FilterInputStream(tar) {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = in.read(b, off, len);
                if (n > 0) {
                    grew(n);
                }
                return n;
            }

            /** Skipped bytes are written nowhere, but they still count: skipping reads. */
            @Override
            public long skip(long n) throws IOException {
                byte[] buffer = new byte[(int) Math.min(Math.max(n, 1), 1 << 16)];
                long skipped = 0;
                for (int r; skipped < n && (r = read(buffer, 0, (int) Math.min(buffer.length, n - skipped))) >= 0; ) {
                    skipped += r;
                }
                return skipped;
            }
        };
    }

    private void grew(int n) throws IOException {
        uncompressed += n;
        int ratio = limits.maxExpansionRatio();
        if (ratio > 0 && uncompressed > limits.expansionFloorBytes() && uncompressed / ratio > compressed) {
            throw new UnpackLimitException(UnpackLimitException.EXPANSION, "layer expands more than " + ratio
                    + " times: " + uncompressed + " bytes of tar from " + compressed + " compressed bytes (the ratio"
                    + " applies past " + limits.expansionFloorBytes() + " bytes)", uncompressed);
        }
        if (uncompressed >= nextSpaceCheck) {
            nextSpaceCheck = uncompressed + interval;
            long usable = statvfs.getUsableSpace();
            if (reserve > 0 && usable < reserve) {
                throw new UnpackLimitException(UnpackLimitException.DISK_RESERVE, "the filesystem of " + dir
                        + " is down to " + usable + " usable bytes, below its free-space reserve of " + reserve
                        + " bytes (the larger of " + limits.minFreeBytes() + " bytes and " + limits.minFreePercent()
                        + "% of " + total + "), after " + uncompressed + " bytes of tar", uncompressed);
            }
        }
    }
}

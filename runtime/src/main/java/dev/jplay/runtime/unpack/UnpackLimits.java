package dev.jplay.runtime.unpack;

/**
 * Bounds applied while a layer streams in, so a small compressed blob cannot expand without end.
 *
 * @param maxEntries tar entries, including whiteouts and directories
 * @param maxUncompressedBytes bytes of the uncompressed tar stream (what the diff_id hashes)
 * @param maxHeaderBytes bytes one entry's headers may take (PAX records, GNU long names), read into memory
 * @param maxExpansionRatio uncompressed tar bytes per compressed byte read, enforced once the tar is past
 *     {@code expansionFloorBytes} (0: no ratio cap)
 * @param expansionFloorBytes tar bytes a layer may expand to whatever its ratio
 * @param minFreeBytes free space the layer's filesystem must keep (the reserve is the larger of this and
 *     {@code minFreePercent} of the filesystem's size; both 0: no reserve)
 * @param minFreePercent free space the layer's filesystem must keep, in percent of its size
 */
public record UnpackLimits(long maxEntries, long maxUncompressedBytes, int maxHeaderBytes, int maxExpansionRatio,
                           long expansionFloorBytes, long minFreeBytes, int minFreePercent) {
    /**
     * Real layers expand 2 to 10 times; gzip's ceiling is about 1000 (zeros). 100 stops a bomb early but lets a
     * layer of big, very compressible files through below the floor.
     */
    public static final int DEFAULT_MAX_EXPANSION_RATIO = 100;
    public static final long DEFAULT_EXPANSION_FLOOR_BYTES = 1L << 30;
    public static final long DEFAULT_MIN_FREE_BYTES = 1L << 30;
    public static final int DEFAULT_MIN_FREE_PERCENT = 5;

    public UnpackLimits {
        if (maxEntries <= 0 || maxUncompressedBytes <= 0 || maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("limits must be positive (maxHeaderBytes >= 1024): " + maxEntries
                    + ", " + maxUncompressedBytes + ", " + maxHeaderBytes);
        }
        if (maxExpansionRatio < 0 || expansionFloorBytes < 0 || minFreeBytes < 0 || minFreePercent < 0
                || minFreePercent > 100) {
            throw new IllegalArgumentException("expansion ratio, floor and free-space reserve must not be negative"
                    + " (percent at most 100): " + maxExpansionRatio + ", " + expansionFloorBytes + ", "
                    + minFreeBytes + ", " + minFreePercent + "%");
        }
    }

    /** The given entry, byte and header bounds with the default expansion cap and free-space reserve. */
    public UnpackLimits(long maxEntries, long maxUncompressedBytes, int maxHeaderBytes) {
        this(maxEntries, maxUncompressedBytes, maxHeaderBytes, DEFAULT_MAX_EXPANSION_RATIO,
                DEFAULT_EXPANSION_FLOOR_BYTES, DEFAULT_MIN_FREE_BYTES, DEFAULT_MIN_FREE_PERCENT);
    }

    /**
     * 1M entries, 64 GiB, 1 MiB of headers per entry: above any sane image, below a disk-filling bomb; at most
     * 100 times the compressed size past 1 GiB; the filesystem keeps the larger of 1 GiB and 5% free.
     */
    public static UnpackLimits defaults() {
        return new UnpackLimits(1_000_000, 64L << 30, 1 << 20);
    }

    public UnpackLimits withExpansion(int maxRatio, long floorBytes) {
        return new UnpackLimits(maxEntries, maxUncompressedBytes, maxHeaderBytes, maxRatio, floorBytes, minFreeBytes,
                minFreePercent);
    }

    public UnpackLimits withFreeSpaceReserve(long bytes, int percent) {
        return new UnpackLimits(maxEntries, maxUncompressedBytes, maxHeaderBytes, maxExpansionRatio,
                expansionFloorBytes, bytes, percent);
    }

    /** The free space to keep on a filesystem of {@code totalBytes}. */
    public long reserveOf(long totalBytes) {
        return Math.max(minFreeBytes, totalBytes / 100 * minFreePercent);
    }
}

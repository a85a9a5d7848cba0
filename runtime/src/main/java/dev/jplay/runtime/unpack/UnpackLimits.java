package dev.jplay.runtime.unpack;

/**
 * Bounds applied while a layer streams in, so a small compressed blob cannot expand without end.
 *
 * @param maxEntries tar entries, including whiteouts and directories
 * @param maxUncompressedBytes bytes of the uncompressed tar stream (what the diff_id hashes)
 * @param maxHeaderBytes bytes one entry's headers may take (PAX records, GNU long names), read into memory
 */
public record UnpackLimits(long maxEntries, long maxUncompressedBytes, int maxHeaderBytes) {
    public UnpackLimits {
        if (maxEntries <= 0 || maxUncompressedBytes <= 0 || maxHeaderBytes < 1024) {
            throw new IllegalArgumentException("limits must be positive (maxHeaderBytes >= 1024): " + maxEntries
                    + ", " + maxUncompressedBytes + ", " + maxHeaderBytes);
        }
    }

    /** 1M entries, 64 GiB, 1 MiB of headers per entry: above any sane image, below a disk-filling bomb. */
    public static UnpackLimits defaults() {
        return new UnpackLimits(1_000_000, 64L << 30, 1 << 20);
    }
}

package dev.jplay.engine.fleet;

import java.nio.charset.StandardCharsets;

/**
 * Hashing for rendezvous (highest random weight) placement. Weighted scores use the exponential race
 * {@code -ln(u) / weight}: the smallest wins, and each host wins with probability weight / total weight.
 * Changing a host's weight, or adding or removing a host, only moves keys to or from that host.
 */
final class Rendezvous {
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;

    private Rendezvous() {}

    /** A stable 64-bit hash of a name (FNV-1a over UTF-8, then mixed); never changes between versions. */
    static long hash(String name) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h);
    }

    /** MurmurHash3's 64-bit finalizer. */
    static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }

    /** A uniform number in (0, 1] for a key and a bucket. */
    static double uniform(long key, long bucket) {
        return ((mix(key ^ (bucket * GOLDEN)) >>> 11) + 1) * 0x1p-53;
    }

    /** The exponential-race score of a key for a bucket of {@code weight}: smaller is better. */
    static double score(long key, long bucket, double weight) {
        return -Math.log(uniform(key, bucket)) / weight;
    }

    /** A lower bound of {@link #score} without the logarithm ({@code -ln u >= 1 - u}), to skip hopeless buckets. */
    static double scoreLowerBound(long key, long bucket, double weight) {
        return (1 - uniform(key, bucket)) / weight;
    }
}

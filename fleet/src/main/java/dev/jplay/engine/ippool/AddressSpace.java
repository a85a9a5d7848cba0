package dev.jplay.engine.ippool;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The addresses of one block that may be handed out: the block minus reserved ranges (network, broadcast,
 * gateway, exclusions), as offsets from the block's network address. Offsets are longs: blocks larger than
 * 2^62 addresses (big IPv6 prefixes) are used from their start only, which no fleet can exhaust.
 */
final class AddressSpace {
    static final long MAX_OFFSETS = 1L << 62;

    private final Cidr block;
    private final long size;
    private final long[] reservedFirst;
    private final long[] reservedLast;
    private final BigInteger usableCount;

    AddressSpace(Cidr block, List<AddressRange> reserved) {
        this.block = block;
        BigInteger realSize = block.size();
        this.size = realSize.min(BigInteger.valueOf(MAX_OFFSETS)).longValueExact();
        List<long[]> ranges = new ArrayList<>();
        BigInteger reservedTotal = BigInteger.ZERO;
        List<BigInteger[]> exact = new ArrayList<>();
        for (AddressRange r : reserved) {
            if (r.first().bits() != block.bits()) continue;
            BigInteger lo = block.offsetOf(r.first()).max(BigInteger.ZERO);
            BigInteger hi = block.offsetOf(r.last()).min(realSize.subtract(BigInteger.ONE));
            if (lo.compareTo(hi) > 0) continue;
            exact.add(new BigInteger[] {lo, hi});
        }
        exact.sort(Comparator.comparing(a -> a[0]));
        BigInteger[] current = null;
        for (BigInteger[] r : exact) {
            if (current != null && r[0].compareTo(current[1].add(BigInteger.ONE)) <= 0) {
                current[1] = current[1].max(r[1]);
                continue;
            }
            if (current != null) reservedTotal = add(ranges, current, reservedTotal);
            current = new BigInteger[] {r[0], r[1]};
        }
        if (current != null) reservedTotal = add(ranges, current, reservedTotal);
        this.reservedFirst = ranges.stream().mapToLong(r -> r[0]).toArray();
        this.reservedLast = ranges.stream().mapToLong(r -> r[1]).toArray();
        this.usableCount = realSize.subtract(reservedTotal);
    }

    private BigInteger add(List<long[]> ranges, BigInteger[] r, BigInteger total) {
        long max = size - 1;
        if (r[0].compareTo(BigInteger.valueOf(max)) <= 0) {
            ranges.add(new long[] {r[0].longValueExact(), r[1].min(BigInteger.valueOf(max)).longValueExact()});
        }
        return total.add(r[1].subtract(r[0]).add(BigInteger.ONE));
    }

    Cidr block() {
        return block;
    }

    /** Addresses that may be handed out, counted exactly. */
    BigInteger usableCount() {
        return usableCount;
    }

    long usableCountClamped() {
        return usableCount.min(BigInteger.valueOf(MAX_OFFSETS)).longValueExact();
    }

    boolean isUsable(long offset) {
        return offset >= 0 && offset < size && reservedRangeAt(offset) < 0;
    }

    boolean contains(IpAddress address) {
        return block.contains(address) && block.offsetOf(address).compareTo(BigInteger.valueOf(size)) < 0;
    }

    long offsetOf(IpAddress address) {
        return block.offsetOf(address).longValueExact();
    }

    IpAddress address(long offset) {
        return block.network().plus(offset);
    }

    /** The first usable offset at or after {@code from}, or -1 when none is left. */
    long nextUsable(long from) {
        long offset = from;
        while (offset < size) {
            int r = reservedRangeAt(offset);
            if (r < 0) return offset;
            offset = reservedLast[r] + 1;
        }
        return -1;
    }

    /** Index of the reserved range holding {@code offset}, or -1. */
    private int reservedRangeAt(long offset) {
        int lo = 0;
        int hi = reservedFirst.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (reservedLast[mid] < offset) lo = mid + 1;
            else if (reservedFirst[mid] > offset) hi = mid - 1;
            else return mid;
        }
        return -1;
    }
}

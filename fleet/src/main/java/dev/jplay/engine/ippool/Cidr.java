package dev.jplay.engine.ippool;

import java.math.BigInteger;

/** A network block such as {@code 10.88.0.0/24} or {@code fd00:88::/64}; the network address has no host bits. */
public record Cidr(IpAddress network, int prefixLength) {
    public Cidr {
        if (prefixLength < 0 || prefixLength > network.bits()) {
            throw new IpPoolException("prefix length /" + prefixLength + " is out of range for " + network);
        }
        if (!network.value().mod(BigInteger.ONE.shiftLeft(network.bits() - prefixLength)).equals(BigInteger.ZERO)) {
            throw new IpPoolException(network + "/" + prefixLength + " has host bits set (did you mean "
                    + new Cidr(new IpAddress(network.value().shiftRight(network.bits() - prefixLength)
                    .shiftLeft(network.bits() - prefixLength), network.bits()), prefixLength) + "?)");
        }
    }

    public static Cidr parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) throw new IpPoolException("'" + text + "' is not a CIDR block (expected ADDRESS/PREFIX, e.g. 10.88.0.0/24)");
        IpAddress network = IpAddress.parse(text.substring(0, slash));
        int prefix;
        try {
            prefix = Integer.parseInt(text.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            throw new IpPoolException("'" + text + "' has no numeric prefix length");
        }
        return new Cidr(network, prefix);
    }

    public int bits() {
        return network.bits();
    }

    /** Number of addresses in the block. */
    public BigInteger size() {
        return BigInteger.ONE.shiftLeft(bits() - prefixLength);
    }

    public IpAddress last() {
        return network.plus(size().subtract(BigInteger.ONE));
    }

    public boolean contains(IpAddress address) {
        return address.bits() == bits() && address.value().compareTo(network.value()) >= 0
                && address.value().compareTo(last().value()) <= 0;
    }

    public boolean overlaps(Cidr other) {
        return contains(other.network) || other.contains(network);
    }

    /** Offset of {@code address} from the network address. */
    public BigInteger offsetOf(IpAddress address) {
        return address.value().subtract(network.value());
    }

    /** Number of sub-blocks of length {@code subPrefix}. */
    public BigInteger blockCount(int subPrefix) {
        return BigInteger.ONE.shiftLeft(subPrefix - prefixLength);
    }

    /** The {@code index}-th sub-block of length {@code subPrefix}. */
    public Cidr block(long index, int subPrefix) {
        BigInteger start = BigInteger.valueOf(index).shiftLeft(bits() - subPrefix);
        return new Cidr(network.plus(start), subPrefix);
    }

    /** Which sub-block of length {@code subPrefix} holds {@code address}. */
    public long blockIndexOf(IpAddress address, int subPrefix) {
        return offsetOf(address).shiftRight(bits() - subPrefix).longValueExact();
    }

    @Override
    public String toString() {
        return network + "/" + prefixLength;
    }
}

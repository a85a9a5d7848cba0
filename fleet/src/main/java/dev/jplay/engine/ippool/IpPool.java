package dev.jplay.engine.ippool;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * A named range of addresses that instances get their IPs from, declared under {@code jplay_ip_pools} (see
 * {@link IpPools}).
 *
 * <p>Without {@code perHostPrefix} the pool is one flat network: every instance gets an address of {@code cidr}
 * with the pool's prefix length and {@code gateway}. With it, every host that runs instances leases its own
 * block of that prefix length (a per-host bridge network); its instances get addresses of the block, whose
 * first usable address is the gateway (the host's bridge address).
 *
 * <p>Never handed out: the network address (IPv4 and IPv6), the IPv4 broadcast address (blocks of 4 or
 * more addresses), the gateway, and every {@code excluded} range.
 *
 * @param gateway the flat pool's gateway; null when {@code perHostPrefix} is set (each block has its own)
 * @param perHostPrefix prefix length of each host's block, or null for a flat pool
 * @param masquerade instances' outbound traffic leaves their host with the host's address (on by default, as Docker's
 *     bridge); false when the network routes the pool's addresses back to the hosts
 */
public record IpPool(String name, Cidr cidr, IpAddress gateway, List<AddressRange> excluded, Integer perHostPrefix,
        boolean masquerade) {
    /** Linux interface names have at most 15 bytes. */
    private static final int IFNAMSIZ = 15;

    public IpPool {
        excluded = List.copyOf(excluded);
        if (perHostPrefix != null) {
            if (gateway != null) {
                throw new IpPoolException("ip pool '" + name + "': gateway cannot be set with per_host_prefix (each host's block has its own gateway, its first usable address)");
            }
            if (perHostPrefix < cidr.prefixLength() || perHostPrefix > cidr.bits() - 2) {
                throw new IpPoolException("ip pool '" + name + "': per_host_prefix " + perHostPrefix + " must be between "
                        + cidr.prefixLength() + " (the pool's prefix) and " + (cidr.bits() - 2));
            }
        } else if (gateway != null && !cidr.contains(gateway)) {
            throw new IpPoolException("ip pool '" + name + "': gateway " + gateway + " is outside " + cidr);
        }
        for (AddressRange r : excluded) {
            if (r.first().bits() != cidr.bits()) {
                throw new IpPoolException("ip pool '" + name + "': excluded " + r + " is not of the family of " + cidr);
            }
        }
    }

    /** With masquerade. */
    public IpPool(String name, Cidr cidr, IpAddress gateway, List<AddressRange> excluded, Integer perHostPrefix) {
        this(name, cidr, gateway, excluded, perHostPrefix, true);
    }

    /** A flat pool whose gateway is its first usable address. */
    public static IpPool flat(String name, Cidr cidr, List<AddressRange> excluded) {
        return new IpPool(name, cidr, firstUsable(cidr), excluded, null);
    }

    public boolean perHost() {
        return perHostPrefix != null;
    }

    /** The prefix length instances are configured with. */
    public int instancePrefixLength() {
        return perHost() ? perHostPrefix : cidr.prefixLength();
    }

    /** Addresses a flat pool may hand out. */
    AddressSpace flatSpace() {
        return new AddressSpace(cidr, reserved(cidr, gateway));
    }

    /** Addresses a host block may hand out (its gateway is {@link #blockGateway}). */
    AddressSpace blockSpace(Cidr block) {
        return new AddressSpace(block, reserved(block, blockGateway(block)));
    }

    /** The gateway (bridge address) of a per-host block: its first usable address. */
    public IpAddress blockGateway(Cidr block) {
        return firstUsable(block);
    }

    /** How many instances one host can get when nothing is excluded: unlimited for a flat pool. */
    public long nominalHostCapacity() {
        if (!perHost()) return Long.MAX_VALUE;
        Cidr sample = cidr.block(0, perHostPrefix);
        BigInteger usable = sample.size().subtract(BigInteger.valueOf(cidr.bits() == 32 ? 3 : 2));
        return usable.min(BigInteger.valueOf(Long.MAX_VALUE)).longValueExact();
    }

    /**
     * Name of the bridge that carries this pool on each host: {@code jp-NAME}, or {@code jp-PREFIX-HASH} when
     * that would exceed Linux's 15-byte interface names.
     */
    public String bridgeName() {
        String plain = "jp-" + name;
        if (plain.length() <= IFNAMSIZ && plain.matches("[A-Za-z0-9_.-]+")) return plain;
        CRC32 crc = new CRC32();
        crc.update(name.getBytes(StandardCharsets.UTF_8));
        String hash = String.format("%08x", crc.getValue()).substring(0, 6);
        String safe = name.replaceAll("[^A-Za-z0-9]", "");
        return "jp-" + safe.substring(0, Math.min(5, safe.length())) + "-" + hash;
    }

    static IpAddress firstUsable(Cidr block) {
        return block.size().compareTo(BigInteger.valueOf(4)) >= 0 ? block.network().plus(1) : block.network();
    }

    private List<AddressRange> reserved(Cidr block, IpAddress gw) {
        List<AddressRange> out = new ArrayList<>(excluded);
        if (block.size().compareTo(BigInteger.valueOf(4)) >= 0) {
            out.add(new AddressRange(block.network(), block.network()));
            if (block.bits() == 32) out.add(new AddressRange(block.last(), block.last()));
        }
        if (gw != null) out.add(new AddressRange(gw, gw));
        return out;
    }

    @Override
    public String toString() {
        return name + " (" + cidr + (perHost() ? ", a /" + perHostPrefix + " per host" : ", gateway " + gateway)
                + (masquerade ? "" : ", no masquerade") + ")";
    }
}

package dev.jplay.engine.ippool;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives each instance an address of a pool, conflict-free with what other apps hold in the same pool.
 *
 * <p>Stable: an instance keeps its previous address while it is still usable (same pool CIDR, not excluded, not
 * taken) and, for a per-host pool, while it stays on the same host; a host keeps its block. New instances get
 * the lowest free address; new hosts the lowest free block. Addresses and blocks of instances and hosts that
 * are gone are simply not carried over, which releases them. The caller drops leases from another CIDR.
 */
public final class IpAllocator {
    private final IpPool pool;
    private final Set<IpAddress> otherAddresses;
    private final Map<String, Cidr> otherBlocks;

    /**
     * @param otherAddresses addresses of this pool that other apps hold (never handed out here)
     * @param otherBlocks per-host pools: blocks that other apps' hosts hold (a host shares its block between apps)
     */
    public IpAllocator(IpPool pool, Set<IpAddress> otherAddresses, Map<String, Cidr> otherBlocks) {
        this.pool = pool;
        this.otherAddresses = otherAddresses;
        this.otherBlocks = otherBlocks;
    }

    public IpAllocator(IpPool pool) {
        this(pool, Set.of(), Map.of());
    }

    /**
     * @param placement instance name to host, in instance order
     * @param previous this app's leases from the last run in the same pool CIDR, by instance name
     * @param previousBlocks this app's host blocks from the last run in the same pool CIDR
     * @throws IpPoolException when the pool has too few free addresses or blocks, with the numbers
     */
    public Allocation allocate(Map<String, String> placement, Map<String, Lease> previous, Map<String, Cidr> previousBlocks) {
        return pool.perHost() ? perHost(placement, previous, previousBlocks) : flat(placement, previous);
    }

    private Allocation flat(Map<String, String> placement, Map<String, Lease> previous) {
        AddressSpace space = pool.flatSpace();
        Set<Long> taken = takenIn(space, otherAddresses);
        BigInteger free = space.usableCount().subtract(BigInteger.valueOf(taken.size()));
        if (BigInteger.valueOf(placement.size()).compareTo(free) > 0) {
            throw new IpPoolException("ip pool '" + pool.name() + "' (" + pool.cidr() + ") is exhausted: " + placement.size()
                    + " instances need an address, " + free + " are free (" + pool.cidr().size() + " addresses, "
                    + pool.cidr().size().subtract(space.usableCount()) + " reserved or excluded, " + taken.size()
                    + " held by other apps)");
        }
        InstanceAddress[] assigned = assign(space, List.copyOf(placement.keySet()), previous, taken, null);
        Map<String, InstanceAddress> out = new LinkedHashMap<>();
        int i = 0;
        for (String name : placement.keySet()) out.put(name, assigned[i++]);
        return new Allocation(pool, out, Map.of());
    }

    private Allocation perHost(Map<String, String> placement, Map<String, Lease> previous, Map<String, Cidr> previousBlocks) {
        int prefix = pool.perHostPrefix();
        Map<String, List<String>> byHost = new LinkedHashMap<>();
        placement.forEach((name, host) -> byHost.computeIfAbsent(host, h -> new ArrayList<>()).add(name));

        Set<Long> usedBlocks = new HashSet<>();
        Map<Long, String> blockOwner = new HashMap<>();
        for (Map.Entry<String, Cidr> e : otherBlocks.entrySet()) {
            Cidr b = e.getValue();
            if (b.prefixLength() == prefix && pool.cidr().contains(b.network())) {
                long index = pool.cidr().blockIndexOf(b.network(), prefix);
                usedBlocks.add(index);
                blockOwner.put(index, e.getKey());
            }
        }
        Map<String, Cidr> blocks = new LinkedHashMap<>();
        List<String> needNew = new ArrayList<>();
        for (String host : byHost.keySet()) {
            Cidr shared = otherBlocks.get(host);
            if (shared != null && shared.prefixLength() == prefix && pool.cidr().contains(shared.network())) {
                blocks.put(host, shared);
                continue;
            }
            Cidr mine = previousBlocks.get(host);
            if (mine != null && mine.prefixLength() == prefix && pool.cidr().contains(mine.network())
                    && usedBlocks.add(blockIndex(mine))) {
                blocks.put(host, mine);
                continue;
            }
            needNew.add(host);
        }
        long blockCount = pool.cidr().blockCount(prefix).min(BigInteger.valueOf(AddressSpace.MAX_OFFSETS)).longValueExact();
        long freeBlocks = blockCount - usedBlocks.size();
        if (needNew.size() > freeBlocks) {
            throw new IpPoolException("ip pool '" + pool.name() + "' (" + pool.cidr() + ") is exhausted: " + byHost.size()
                    + " hosts need a /" + prefix + " block, the pool has " + blockCount + ", " + (blockCount - freeBlocks)
                    + " already held and " + needNew.size() + " more needed");
        }
        long cursor = 0;
        for (String host : needNew) {
            while (usedBlocks.contains(cursor)) cursor++;
            usedBlocks.add(cursor);
            blocks.put(host, pool.cidr().block(cursor, prefix));
        }

        Map<Long, List<IpAddress>> othersByBlock = new HashMap<>();
        for (IpAddress a : otherAddresses) {
            if (pool.cidr().contains(a)) othersByBlock.computeIfAbsent(pool.cidr().blockIndexOf(a, prefix), b -> new ArrayList<>()).add(a);
        }
        Map<String, InstanceAddress> byName = new HashMap<>();
        for (Map.Entry<String, List<String>> e : byHost.entrySet()) {
            String host = e.getKey();
            Cidr block = blocks.get(host);
            AddressSpace space = pool.blockSpace(block);
            Set<Long> taken = takenIn(space, othersByBlock.getOrDefault(blockIndex(block), List.of()));
            long free = space.usableCountClamped() - taken.size();
            if (e.getValue().size() > free) {
                throw new IpPoolException("ip pool '" + pool.name() + "': host " + host + " needs " + e.getValue().size()
                        + " addresses, its block " + block + " has " + free + " free (" + block.size() + " addresses, "
                        + block.size().subtract(space.usableCount()) + " reserved or excluded, " + taken.size()
                        + " held by other apps)");
            }
            InstanceAddress[] assigned = assign(space, e.getValue(), previous, taken, host);
            for (int i = 0; i < assigned.length; i++) byName.put(e.getValue().get(i), assigned[i]);
        }
        Map<String, InstanceAddress> out = new LinkedHashMap<>();
        for (String name : placement.keySet()) out.put(name, byName.get(name));
        return new Allocation(pool, out, blocks);
    }

    private long blockIndex(Cidr block) {
        return pool.cidr().blockIndexOf(block.network(), pool.perHostPrefix());
    }

    /** Offsets in {@code space} that other apps hold. */
    private static Set<Long> takenIn(AddressSpace space, Iterable<IpAddress> others) {
        Set<Long> taken = new HashSet<>();
        for (IpAddress a : others) {
            if (space.contains(a)) {
                long off = space.offsetOf(a);
                if (space.isUsable(off)) taken.add(off);
            }
        }
        return taken;
    }

    /** Keeps usable previous addresses (on {@code host}, if given), then fills the rest lowest-first. Fits: checked by callers. */
    private InstanceAddress[] assign(AddressSpace space, List<String> names, Map<String, Lease> previous, Set<Long> taken, String host) {
        IpAddress gateway = pool.perHost() ? pool.blockGateway(space.block()) : pool.gateway();
        int prefix = pool.instancePrefixLength();
        InstanceAddress[] out = new InstanceAddress[names.size()];
        for (int i = 0; i < out.length; i++) {
            Lease lease = previous.get(names.get(i));
            if (lease == null || (host != null && !host.equals(lease.host())) || !space.contains(lease.ip())) continue;
            long off = space.offsetOf(lease.ip());
            if (space.isUsable(off) && taken.add(off)) out[i] = new InstanceAddress(lease.ip(), prefix, gateway);
        }
        long cursor = 0;
        for (int i = 0; i < out.length; i++) {
            if (out[i] != null) continue;
            long off;
            do {
                off = space.nextUsable(cursor);
                if (off < 0) throw new IllegalStateException("pool " + pool.name() + " ran out after its capacity check");
                cursor = off + 1;
            } while (taken.contains(off));
            taken.add(off);
            out[i] = new InstanceAddress(space.address(off), prefix, gateway);
        }
        return out;
    }
}

package dev.jplay.inventory;

import java.util.List;

/** One host line or key of a file inventory: the names it expands to and the port written after them. */
record HostEntry(List<String> names, Integer port) {

    /** {@code web[1:3]:2222} → web1, web2, web3 with port 2222; {@code 10.0.0.0/30} → 10.0.0.1, 10.0.0.2. */
    static HostEntry parse(String entry) {
        if (HostRange.isCidr(entry)) return new HostEntry(HostRange.expand(entry), null);
        HostAddress address = HostAddress.parseLenient(entry, true);
        List<String> names = address.host().indexOf('[') >= 0
                ? HostRange.expand(address.host())
                : List.of(address.host());
        return new HostEntry(names, address.port());
    }
}

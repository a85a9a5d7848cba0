package dev.jplay.engine.ippool;

/** An inclusive range of addresses of one family, as written in {@code exclude}: one address, {@code A-B}, or a CIDR. */
public record AddressRange(IpAddress first, IpAddress last) {
    public AddressRange {
        if (first.bits() != last.bits()) throw new IpPoolException("range " + first + "-" + last + " mixes IPv4 and IPv6");
        if (first.compareTo(last) > 0) throw new IpPoolException("range " + first + "-" + last + " ends before it starts");
    }

    public static AddressRange parse(String text) {
        String t = text.trim();
        if (t.contains("/")) {
            Cidr cidr = Cidr.parse(t);
            return new AddressRange(cidr.network(), cidr.last());
        }
        int dash = t.indexOf('-');
        if (dash >= 0) return new AddressRange(IpAddress.parse(t.substring(0, dash)), IpAddress.parse(t.substring(dash + 1)));
        IpAddress one = IpAddress.parse(t);
        return new AddressRange(one, one);
    }

    public static AddressRange of(Cidr cidr) {
        return new AddressRange(cidr.network(), cidr.last());
    }

    @Override
    public String toString() {
        return first.equals(last) ? first.toString() : first + "-" + last;
    }
}

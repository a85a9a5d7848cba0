package dev.jplay.inventory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class HostRangeTest {
    @Test
    void numericRangeKeepsZeroPadding() {
        List<String> hosts = HostRange.expand("web[01:20].example.com");
        assertEquals(20, hosts.size());
        assertEquals("web01.example.com", hosts.get(0));
        assertEquals("web09.example.com", hosts.get(8));
        assertEquals("web20.example.com", hosts.get(19));
    }

    @Test
    void unpaddedRangeAndStride() {
        assertEquals(List.of("n8", "n9", "n10"), HostRange.expand("n[8:10]"));
        assertEquals(List.of("node00", "node05", "node10", "node15", "node20"), HostRange.expand("node[00:20:5]"));
        assertEquals(List.of("x0", "x1"), HostRange.expand("x[:1]"));
    }

    @Test
    void lettersIncludingUpperCaseAndStride() {
        assertEquals(List.of("db-a", "db-b", "db-c", "db-d", "db-e", "db-f"), HostRange.expand("db-[a:f]"));
        assertEquals(List.of("z", "A", "B"), HostRange.expand("[z:B]"));
        assertEquals(List.of("a", "c", "e"), HostRange.expand("[a:e:2]"));
    }

    @Test
    void ipAddressRangeAndSeveralRangesExpandLeftToRight() {
        List<String> ips = HostRange.expand("10.0.0.[10:29]");
        assertEquals(20, ips.size());
        assertEquals("10.0.0.10", ips.get(0));
        assertEquals("10.0.0.29", ips.get(19));
        assertEquals(List.of("r1-n1", "r1-n2", "r2-n1", "r2-n2"), HostRange.expand("r[1:2]-n[1:2]"));
    }

    @Test
    void plainNameIsItself() {
        assertEquals(List.of("host.example.com"), HostRange.expand("host.example.com"));
    }

    @Test
    void ipv4CidrYieldsUsableHosts() {
        List<String> hosts = HostRange.expand("10.1.0.0/28");
        assertEquals(14, hosts.size());
        assertEquals("10.1.0.1", hosts.get(0));
        assertEquals("10.1.0.14", hosts.get(13));
        assertEquals(List.of("192.168.1.4", "192.168.1.5"), HostRange.expand("192.168.1.4/31"));
        assertEquals(List.of("192.168.1.7"), HostRange.expand("192.168.1.7/32"));
        assertEquals(65534, HostRange.expand("172.16.0.0/16").size());
    }

    @Test
    void ipv6CidrYieldsHostsWithoutSubnetRouterAnycast() {
        assertEquals(List.of("fd00::1", "fd00::2", "fd00::3"), HostRange.expand("fd00::/126"));
        assertEquals(List.of("2001:db8::a:0", "2001:db8::a:1"), HostRange.expand("2001:db8:0:0:0:0:a:0/127"));
    }

    @Test
    void badRangesFailClearly() {
        assertMessage("web[1:]", "end value");
        assertMessage("web[01:100]", "equal length");
        assertMessage("web[5:1]", "greater than end");
        assertMessage("web[1:5:0]", "step must be a positive integer");
        assertMessage("web[1:5", "without closing");
        assertMessage("web[a:5]", "both numbers or both single letters");
        assertMessage("web[1]", "[begin:end]");
        assertMessage("web[0:99999999]", "larger than");
        assertMessage("10.0.0.1/24", "host bits");
        assertMessage("10.0.0.0/8", "too large");
        assertMessage("300.0.0.0/30", "not an IPv4 address");
        assertMessage("fd00::/64", "too large");
    }

    private static void assertMessage(String pattern, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HostRange.expand(pattern));
        assertTrue(e.getMessage().contains(pattern) && e.getMessage().contains(fragment), e.getMessage());
    }
}

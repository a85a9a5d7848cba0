package dev.jplay.modules.facts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Facts read from a fixture tree (an Ubuntu 22.04 host with two sockets, a default route and an NFS mount). */
class FactsCollectorTest {
    private static final List<FactsCollector.Iface> INTERFACES = List.of(
            new FactsCollector.Iface("ens3", true, 1500, "52:54:00:12:34:56", false, List.of(
                    new FactsCollector.Addr("10.0.0.5", 24, false, null),
                    new FactsCollector.Addr("10.0.0.50", 24, false, null),
                    new FactsCollector.Addr("fd00::5", 64, true, "global"),
                    new FactsCollector.Addr("fe80::5054:ff:fe12:3456", 64, true, "link"))),
            new FactsCollector.Iface("lo", true, 65536, null, true, List.of(
                    new FactsCollector.Addr("127.0.0.1", 8, false, null),
                    new FactsCollector.Addr("::1", 128, true, "host"))),
            new FactsCollector.Iface("br-app", true, 1500, "02:42:ac:11:00:01", false, List.of()));

    private static Map<String, Object> facts(String... subsets) throws Exception {
        Path root = Path.of(FactsCollectorTest.class.getResource("ubuntu").toURI());
        return new FactsCollector(root, INTERFACES).collect(FactSubsets.resolve(List.of(subsets)));
    }

    @Test
    void platformAndDistribution() throws Exception {
        Map<String, Object> f = facts("min");
        assertEquals("app1", f.get("hostname"));
        assertEquals("app1", f.get("nodename"));
        assertEquals("app1.example.com", f.get("fqdn"), "from /etc/hosts, without asking DNS");
        assertEquals("example.com", f.get("domain"));
        assertEquals("Ubuntu", f.get("distribution"));
        assertEquals("22.04", f.get("distribution_version"), "Ubuntu's is VERSION_ID, not /etc/debian_version");
        assertEquals("22", f.get("distribution_major_version"));
        assertEquals("jammy", f.get("distribution_release"));
        assertEquals("Debian", f.get("os_family"));
        assertEquals("5.15.0-105-generic", f.get("kernel"));
        assertEquals("Linux", f.get("system"));
        assertFalse(f.containsKey("memtotal_mb"), "min has no hardware facts");
        assertFalse(f.containsKey("default_ipv4"), "min has no network facts");
    }

    @Test
    void debianPointReleaseComesFromDebianVersionWhereLsbReleaseIsInstalled(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\nVERSION_CODENAME=bookworm\n");
        Files.writeString(root.resolve("etc/debian_version"), "12.5\n");
        Map<String, Object> f = new FactsCollector(root, List.of()).collect(Set.of("min"));
        assertEquals("12", f.get("distribution_version"), "without lsb_release Ansible reads os-release's VERSION_ID only");
        Files.createDirectories(root.resolve("usr/bin"));
        Files.writeString(root.resolve("usr/bin/lsb_release"), "#!/usr/bin/python3\n");
        f = new FactsCollector(root, List.of()).collect(Set.of("min"));
        assertEquals("Debian", f.get("distribution"));
        assertEquals("12.5", f.get("distribution_version"), "lsb_release -r gives the point release");
        assertEquals("12", f.get("distribution_major_version"));
        assertEquals("bookworm", f.get("distribution_release"));
        Files.writeString(root.resolve("etc/os-release"), "ID=rocky\nNAME=\"Rocky Linux\"\nVERSION_ID=\"9.3\"\n");
        f = new FactsCollector(root, List.of()).collect(Set.of("min"));
        assertEquals("Rocky", f.get("distribution"));
        assertEquals("RedHat", f.get("os_family"));
        assertEquals("9", f.get("distribution_major_version"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void hardware() throws Exception {
        Map<String, Object> f = facts("!all", "hardware");
        assertEquals(2, f.get("processor_count"), "two physical ids");
        assertEquals(2, f.get("processor_cores"));
        assertEquals(4, f.get("processor_vcpus"));
        assertEquals(2, f.get("processor_threads_per_core"));
        assertEquals(7947L, f.get("memtotal_mb"));
        assertEquals(2000L, f.get("memfree_mb"));
        List<Map<String, Object>> mounts = (List<Map<String, Object>>) f.get("mounts");
        assertEquals(List.of("/", "/srv/data dir", "/mnt/nfs"), mounts.stream().map(m -> m.get("mount")).toList(),
                "devices and network sources only, octal escapes decoded");
        assertEquals("ext4", mounts.get(0).get("fstype"));
        assertEquals("/dev/sda1", mounts.get(0).get("device"));
        assertTrue((Long) mounts.get(0).get("size_total") > 0, "statvfs of the (fixture's) root");
        assertTrue(mounts.get(0).containsKey("size_available"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void network() throws Exception {
        Map<String, Object> f = facts("network");
        assertEquals(List.of("ens3", "lo", "br-app"), f.get("interfaces"));
        Map<String, Object> v4 = (Map<String, Object>) f.get("default_ipv4");
        assertEquals("10.0.0.5", v4.get("address"));
        assertEquals("ens3", v4.get("interface"));
        assertEquals("10.0.0.1", v4.get("gateway"), "/proc/net/route's little-endian hex");
        assertEquals("255.255.255.0", v4.get("netmask"));
        assertEquals("10.0.0.0", v4.get("network"));
        assertEquals("24", v4.get("prefix"));
        assertEquals("52:54:00:12:34:56", v4.get("macaddress"));
        Map<String, Object> v6 = (Map<String, Object>) f.get("default_ipv6");
        assertEquals("fd00::5", v6.get("address"));
        assertEquals("fd00::1", v6.get("gateway"));
        assertEquals("ens3", v6.get("interface"));
        assertEquals(List.of("10.0.0.5", "10.0.0.50"), f.get("all_ipv4_addresses"), "without loopback");
        assertEquals(List.of("fd00::5", "fe80::5054:ff:fe12:3456"), f.get("all_ipv6_addresses"));
        Map<String, Object> ens3 = (Map<String, Object>) f.get("ens3");
        assertEquals(Map.of("address", "10.0.0.5", "broadcast", "10.0.0.255", "netmask", "255.255.255.0",
                "network", "10.0.0.0", "prefix", "24"), ens3.get("ipv4"));
        assertEquals(1, ((List<?>) ens3.get("ipv4_secondaries")).size());
        assertEquals("br-app", ((Map<String, Object>) f.get("br_app")).get("device"), "per-interface facts use _ for -");
        assertTrue(f.containsKey("hostname"), "min is always there");
        assertFalse(f.containsKey("mounts"));
    }

    @Test
    void subsets() {
        assertEquals(Set.of("min", "hardware", "network", "virtual"), FactSubsets.resolve(List.of()));
        assertEquals(Set.of("min"), FactSubsets.resolve(List.of("!all")));
        assertEquals(Set.of("min", "network"), FactSubsets.resolve(List.of("!all,network")));
        assertEquals(Set.of("min", "network"), FactSubsets.resolve(List.of("network")));
        assertEquals(Set.of("min", "network", "virtual"), FactSubsets.resolve(List.of("!hardware")));
        assertEquals(Set.of(), FactSubsets.resolve(List.of("!all", "!min")));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> FactSubsets.resolve(List.of("gpu")))
                .getMessage().contains("unknown gather_subset 'gpu'"));
    }
}

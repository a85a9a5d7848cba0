package dev.jplay.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Ansible docker_container's published_ports syntax. */
class PublishedPortsTest {

    @Test
    void readsDockersForms() {
        assertEquals(List.of(new PortMapping(null, 8080, 80, "tcp")), PublishedPorts.parse("8080:80"));
        assertEquals(List.of(new PortMapping(null, 8080, 80, "tcp")), PublishedPorts.parse(" 8080:80/TCP "));
        assertEquals(List.of(new PortMapping("127.0.0.1", 8080, 80, "udp")), PublishedPorts.parse("127.0.0.1:8080:80/udp"));
        assertEquals(List.of(new PortMapping(null, 8000, 80, "tcp"), new PortMapping(null, 8001, 81, "tcp"),
                new PortMapping(null, 8002, 82, "tcp")), PublishedPorts.parse("8000-8002:80-82"));
        assertEquals("127.0.0.1:8080:80/udp", PublishedPorts.parse("127.0.0.1:8080:80/udp").get(0).toString());
    }

    @Test
    void theSameHostPortMayCarryTcpAndUdpOrTwoAddressesButNotTwoMappings() {
        assertEquals(3, PublishedPorts.parse(List.of("53:53/udp", "53:53/tcp", "127.0.0.1:80:8080")).size());
        assertEquals(2, PublishedPorts.parse(List.of("127.0.0.1:80:8080", "127.0.0.2:80:8080")).size());
        NetworkException twice = assertThrows(NetworkException.class, () -> PublishedPorts.parse(List.of("8080:80", "8079-8081:90-92")));
        assertEquals(NetworkException.BAD_PORT, twice.code());
        assertTrue(twice.getMessage().contains("8080/tcp is published twice"), twice.getMessage());
        assertEquals("8079-8081:90-92", twice.detail().get("published_port"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "80|expected [HOST_IP:]HOST_PORT:CONTAINER_PORT",
            "8080:80/sctp|protocol must be tcp or udp",
            "0:80|host port must be 1..65535",
            "8080:70000|container port must be 1..65535",
            "300.0.0.1:8080:80|host address must be an IPv4 address",
            "[::1]:8080:80|expected",
            "localhost:8080:80|expected",
            "8000-8002:80-81|the host range has 3 ports and the container range 2",
            "8002-8000:80-82|ends before it starts",
            "1-2000:1-2000|a range of more than 1024 ports",
            ":80|expected"})
    void refusesWhatItCannotPublishNamingTheEntry(String entry, String message) {
        NetworkException e = assertThrows(NetworkException.class, () -> PublishedPorts.parse(entry));
        assertEquals(NetworkException.BAD_PORT, e.code());
        assertTrue(e.getMessage().startsWith("published port '" + entry + "': "), e.getMessage());
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}

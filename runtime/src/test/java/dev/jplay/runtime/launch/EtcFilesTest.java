package dev.jplay.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcFilesTest {
    @TempDir
    Path dir;

    @Test
    void ownNetworkDropsLoopbackResolversAndKeepsTheRest() {
        String host = "# generated\nnameserver 127.0.0.1\nnameserver 10.1.2.3\nnameserver ::1\nsearch corp.example\noptions ndots:2\n";
        assertEquals("# generated\nnameserver 10.1.2.3\nsearch corp.example\noptions ndots:2\n",
                EtcFiles.resolvConf(host, null, true));
        assertEquals(host, EtcFiles.resolvConf(host, null, false), "host network: the host's file as it is");
    }

    @Test
    void aLocalStubOnlyFallsBackToSystemdResolvedsUpstreams() {
        String stub = "nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lan\n";
        String upstream = "nameserver 192.168.1.1\nnameserver 127.0.0.1\nsearch lan\n";
        assertEquals("nameserver 192.168.1.1\nsearch lan\n", EtcFiles.resolvConf(stub, upstream, true));
        String none = EtcFiles.resolvConf(stub, null, true);
        assertEquals("options edns0 trust-ad\nsearch lan\n"
                + "# jplay: the host's resolvers are all on loopback, which this container's network cannot reach\n", none);
    }

    @Test
    void writesTheFilesAndSkipsWhatTheTaskMountsItself() throws Exception {
        Path resolv = Files.writeString(dir.resolve("resolv.conf"), "nameserver 10.0.0.2\n");
        Path hosts = Files.writeString(dir.resolve("hosts"), "127.0.0.1 localhost myhost\n");
        Path bundle = Files.createDirectories(dir.resolve("bundle"));
        EtcFiles etc = new EtcFiles(resolv, dir.resolve("no-systemd"), hosts);

        ContainerSpec own = ContainerSpec.builder("web-3").mount("/srv/resolv.conf", "/etc/resolv.conf", true).build();
        List<Map<String, Object>> mounts = etc.write(bundle, own);
        assertEquals(List.of("/etc/hostname", "/etc/hosts"), mounts.stream().map(m -> m.get("destination")).toList());
        assertEquals(bundle.resolve("hosts").toString(), mounts.get(1).get("source"));
        assertEquals("web-3\n", Files.readString(bundle.resolve("hostname")), "the container's name when no hostname is set");
        assertEquals(EtcFiles.hosts("web-3"), Files.readString(bundle.resolve("hosts")));
        assertTrue(EtcFiles.hosts("web-3").contains("127.0.1.1\tweb-3\n"));

        ContainerSpec onHost = ContainerSpec.builder("h").networkMode(NetworkMode.HOST).hostname("edge").build();
        etc.write(bundle, onHost);
        assertEquals("127.0.0.1 localhost myhost\n", Files.readString(bundle.resolve("hosts")));
        assertEquals("nameserver 10.0.0.2\n", Files.readString(bundle.resolve("resolv.conf")));
        assertEquals("edge\n", Files.readString(bundle.resolve("hostname")));
    }
}

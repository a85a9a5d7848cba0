package dev.jplay.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Memory sizes, runc versions and advisories, spec records and their diffs. */
class SmallPartsTest {
    @TempDir Path tmp;

    @Test
    void memorySizesInDockerSyntax() {
        assertEquals(256L << 20, MemorySize.parseBytes("256m"));
        assertEquals(1L << 30, MemorySize.parseBytes("1G"));
        assertEquals(1536L << 20, MemorySize.parseBytes("1.5g"));
        assertEquals(64L << 20, MemorySize.parseBytes("65536k"));
        assertEquals(10_000_000, MemorySize.parseBytes("10000000"));
        assertEquals("BAD_MEMORY", assertThrows(LaunchException.class, () -> MemorySize.parseBytes("lots")).code());
        assertEquals("BAD_MEMORY", assertThrows(LaunchException.class, () -> MemorySize.parseBytes("1m")).code());
    }

    @Test
    void launchMessagesSayEachCauseOnce() {
        String cause = "runc run failed: exec: \"/x\": stat /x: no such file or directory";
        LaunchException quoted = new LaunchException(Step.START, "RUNTIME_FAILED",
                "runc could not start container 'c': " + cause).stderrTail(cause + "\n");
        assertEquals("runc could not start container 'c': " + cause, quoted.getMessage());
        assertEquals(cause, quoted.detail().get("stderr").toString().strip(), "the report keeps runc's stderr");
        LaunchException plain = new LaunchException(Step.CREATE, "RUNTIME_FAILED", "runc create c failed")
                .stderrTail("container with id exists: c");
        assertEquals("runc create c failed: container with id exists: c", plain.getMessage());
    }

    @Test
    void runcVersionOutputIsParsed() {
        RuncVersion v = RuncVersion.parse("runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1+deb12u1\nspec: 1.0.2-dev\ngo: go1.19.8\n");
        assertEquals("1.1.5+ds1", v.version());
        assertEquals("1.1.5", v.upstream());
        assertEquals("1.1.5+ds1-1+deb12u1", v.commit());
        assertEquals("1.0.2-dev", v.spec());
        assertEquals("1.4.0-rc.2", RuncVersion.parse("runc version 1.4.0-rc.2\n").upstream());
        assertEquals("RUNTIME_VERSION_UNKNOWN", assertThrows(LaunchException.class, () -> RuncVersion.parse("crun 1.8")).code());
    }

    @Test
    void advisorWarnsOnKnownEscapesOnly() {
        List<String> old = CveAdvisor.warnings(new RuncVersion("1.1.5+ds1", null, null));
        assertTrue(old.stream().anyMatch(w -> w.contains("CVE-2024-21626")), old.toString());
        assertTrue(old.stream().noneMatch(w -> w.contains("CVE-2019-5736")), old.toString());
        assertTrue(old.stream().allMatch(w -> w.contains("backported")));
        List<String> v1112 = CveAdvisor.warnings(new RuncVersion("1.1.12", null, null));
        assertTrue(v1112.stream().noneMatch(w -> w.contains("CVE-2024-21626")));
        assertTrue(v1112.stream().anyMatch(w -> w.contains("CVE-2025-31133")));
        assertEquals(List.of(), CveAdvisor.warnings(new RuncVersion("1.2.8", null, null)));
        assertEquals(1, CveAdvisor.warnings(new RuncVersion("1.3.2", null, null)).size());
        assertEquals(List.of(), CveAdvisor.warnings(new RuncVersion("1.3.3", null, null)));
        assertEquals(1, CveAdvisor.warnings(new RuncVersion("1.4.0-rc.2", null, null)).size());
        assertEquals(List.of(), CveAdvisor.warnings(new RuncVersion("1.4.0", null, null)));
        assertTrue(CveAdvisor.warnings(new RuncVersion("1.0.0-rc6", null, null)).stream().anyMatch(w -> w.contains("CVE-2019-5736")));
        assertTrue(CveAdvisor.compare("1.0.0-rc95", "1.0.0") < 0);
    }

    @Test
    void specRecordRoundTripsAndHashesStably() throws IOException {
        ContainerSpec spec = ContainerSpec.builder("web").command("httpd", "-f").env("B", "2").env("A", "1")
                .mount("/srv/data", "/data", true).memory("128m").cpus(0.5).readOnly(true).user("app")
                .restartPolicy(RestartPolicy.ON_FAILURE).restartRetries(3).networkMode(NetworkMode.parse("/run/netns/x")).build();
        SpecRecord record = new SpecRecord(spec, "sha256:abc", "/var/lib/jplay/rootfs/web");
        Path file = tmp.resolve("spec.json");
        Files.writeString(file, record.write());
        SpecRecord read = SpecRecord.read(file);
        assertEquals(record, read);
        assertEquals(record.hash(), read.hash());
        String json = Files.readString(file);
        assertTrue(json.contains("\"restart_policy\" : \"on-failure\""), json);
        assertTrue(json.contains("\"network_mode\" : \"/run/netns/x\""), json);
        assertTrue(json.contains("\"spec_hash\" : \"sha256:"), json);
    }

    @Test
    void diffNamesEachChangedField() {
        ContainerSpec spec = ContainerSpec.builder("web").command("a").build();
        SpecRecord before = new SpecRecord(spec, "sha256:1", "/r");
        SpecRecord after = new SpecRecord(spec.toBuilder().command("b").memory("64m").build(), "sha256:2", "/r");
        assertNotEquals(before.hash(), after.hash());
        assertEquals(List.of("command: [\"a\"] -> [\"b\"]", "memory: null -> 64m", "image_digest: sha256:1 -> sha256:2"),
                before.diff(after));
        assertEquals(List.of(), before.diff(new SpecRecord(spec, "sha256:1", "/r")));
    }

    @Test
    void specValidation() {
        assertEquals("BAD_NAME", assertThrows(LaunchException.class, () -> ContainerSpec.builder("../x").build()).code());
        assertEquals("BAD_MOUNT", assertThrows(LaunchException.class,
                () -> ContainerSpec.builder("x").mount("relative", "/d", false)).code());
        assertEquals("BAD_NETWORK_MODE", assertThrows(LaunchException.class, () -> NetworkMode.parse("bridge")).code());
        assertEquals("BAD_RESTART_POLICY", assertThrows(LaunchException.class, () -> RestartPolicy.parse("sometimes")).code());
        assertEquals(RestartPolicy.ON_FAILURE, RestartPolicy.parse("on_failure"));
        assertEquals("BAD_CPUS", assertThrows(LaunchException.class, () -> ContainerSpec.builder("x").cpus(0.0).build()).code());
    }

    @Test
    void supervisorScriptQuotesPaths() {
        assertEquals("'it'\\''s'", SupervisorScript.quote("it's"));
        String script = SupervisorScript.render(new ContainerFiles(Path.of("/state/containers/a b")),
                List.of("/usr/sbin/runc", "run", "a"), RestartPolicy.ON_FAILURE, 2);
        assertTrue(script.contains("cd '/state/containers/a b'"), script);
        assertTrue(script.contains("policy=on-failure\nretries=2\n"), script);
        assertTrue(script.contains("'/usr/sbin/runc' 'run' 'a' </dev/null\n"), script);
    }
}

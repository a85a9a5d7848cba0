package dev.jplay.runtime.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.io.AtomicFiles;
import dev.jplay.protocol.Json;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Two hosts of a test fleet ({@code test-fleet/fleet.sh}: a network + mount namespace each, sharing this machine's
 * /run/netns) each attach a container named {@code web} with the SAME IP on a bridge named {@code jplay0}: every
 * host has its own bridge, namespace file (under its own /var/lib/jplay) and veth, and each answers with its own
 * content. The probe runs in a JVM inside each host, as the agent does.
 */
@EnabledIfSystemProperty(named = "jplay.it", matches = "true")
class FleetHostsNetworkIntegrationTest {
    private static final String STATE = "/var/lib/jplay/nettest";
    private static final String IP = "10.250.77.23";

    @Test
    void twoHostsEachHaveTheirOwnJplay0AndTheSameContainerIp() throws Exception {
        Path fleet = locate("test-fleet/fleet.sh");
        String prefix = ("n" + Long.toString(ProcessHandle.current().pid(), 36)).toLowerCase(Locale.ROOT);
        boolean rootHadJplay0 = Files.exists(Path.of("/sys/class/net/jplay0"));
        String classpath = probeClasspath();
        run(fleet.toString(), "down", "--prefix", prefix);
        try {
            run(fleet.toString(), "up", "2", "--prefix", prefix);
            for (int host = 1; host <= 2; host++) {
                String out = inHost(fleet, prefix, host, "java", "-cp", classpath, FleetProbe.class.getName(),
                        "up", STATE, "web", IP, "24", "10.250.77.1", "content of host " + host);
                assertTrue(out.contains("ATTACHED netns=" + STATE + "/network/netns/web bridge=jplay0"), out);
                assertTrue(out.contains("changed=true"), out);
            }
            for (int host = 1; host <= 2; host++) {
                assertEquals("content of host " + host,
                        inHost(fleet, prefix, host, "java", "-cp", classpath, FleetProbe.class.getName(), "get", "http://" + IP + ":8080/"));
                assertTrue(inHost(fleet, prefix, host, "ip", "-o", "addr", "show", "dev", "jplay0").contains("10.250.77.1/24"));
                assertEquals(1, inHost(fleet, prefix, host, "ip", "-o", "link", "show", "master", "jplay0").lines().count(),
                        "one veth on host " + host + "'s jplay0");
            }
            assertEquals(rootHadJplay0, Files.exists(Path.of("/sys/class/net/jplay0")), "nothing created in the machine's namespace");
            assertFalse(Files.exists(Path.of(STATE + "/network/netns/web")), "namespace files live in each host's private state dir");
            for (int host = 1; host <= 2; host++) {
                String out = inHost(fleet, prefix, host, "java", "-cp", classpath, FleetProbe.class.getName(), "down", STATE, "web");
                assertTrue(out.contains("DETACHED=true"), out);
                assertEquals("", inHost(fleet, prefix, host, "ip", "-o", "link", "show", "master", "jplay0").strip(), "veth left");
            }
        } finally {
            for (int host = 1; host <= 2; host++) {
                try {
                    exec(List.of(fleet.toString(), "exec", "--prefix", prefix, String.valueOf(host), "--",
                            "java", "-cp", classpath, FleetProbe.class.getName(), "down", STATE, "web"));
                } catch (RuntimeException ignored) {
                    // the host may never have come up
                }
            }
            run(fleet.toString(), "down", "--prefix", prefix);
        }
    }

    private static String inHost(Path fleet, String prefix, int host, String... command) {
        List<String> full = new ArrayList<>(List.of(fleet.toString(), "exec", "--prefix", prefix, String.valueOf(host), "--"));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    /**
     * The probe's classes, the jplay modules below runtime (protocol, io) and Jackson, from places a fleet host
     * sees: hosts have private /root (so no ~/.m2) and /tmp, so jars are copied under target/ (a reactor module's
     * classes directory is already in the checkout).
     */
    private static String probeClasspath() throws IOException, URISyntaxException {
        Path dir = Files.createDirectories(Path.of("target", "fleet-probe-classpath").toAbsolutePath());
        List<String> entries = new ArrayList<>();
        entries.add(location(CniNetworks.class).toString());
        entries.add(location(FleetProbe.class).toString());
        for (Class<?> c : List.of(Json.class, AtomicFiles.class, ObjectMapper.class, JsonParser.class, JsonProperty.class)) {
            Path jar = location(c);
            if (Files.isDirectory(jar)) {
                entries.add(jar.toString());
                continue;
            }
            Path copy = dir.resolve(jar.getFileName());
            Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
            entries.add(copy.toString());
        }
        return String.join(":", entries);
    }

    private static Path location(Class<?> c) throws URISyntaxException {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static Path locate(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve(relative))) return dir.resolve(relative);
        }
        throw new AssertionError(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    private record Result(int exit, String output) {}

    private static Result exec(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Result(p.waitFor(), out);
        } catch (IOException e) {
            throw new RuntimeException(String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(String.join(" ", command), e);
        }
    }

    private static String run(String... command) {
        Result r = exec(List.of(command));
        assertEquals(0, r.exit, String.join(" ", command) + ": " + r.output);
        return r.output;
    }
}

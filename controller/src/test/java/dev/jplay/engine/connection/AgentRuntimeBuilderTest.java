package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.spi.ToolProvider;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime builder's logic, without running jlink: cache key, modules, command line, packing. */
class AgentRuntimeBuilderTest {
    @TempDir
    Path tmp;

    private Path fakeJdk(String name, String release) throws Exception {
        Path jdk = Files.createDirectories(tmp.resolve(name));
        Files.writeString(jdk.resolve("release"), release);
        return jdk;
    }

    private static final String JDK17 = "JAVA_VERSION=\"17.0.15\"\nOS_NAME=\"Linux\"\nOS_ARCH=\"x86_64\"\nLIBC=\"gnu\"\n"
            + "MODULES=\"java.base java.logging jdk.crypto.ec jdk.unsupported\"\n";

    @Test
    void theCacheKeyIsStableForOneJdkAndDiffersForAnother() throws Exception {
        Path cache = tmp.resolve("cache");
        AgentRuntimeBuilder a = new AgentRuntimeBuilder(fakeJdk("a", JDK17), cache);
        assertEquals(a.cacheKey(), new AgentRuntimeBuilder(fakeJdk("a2", JDK17), cache).cacheKey(), "same release file, same key");
        String other = JDK17.replace("17.0.15", "17.0.16");
        assertNotEquals(a.cacheKey(), new AgentRuntimeBuilder(fakeJdk("b", other), cache).cacheKey());
        assertTrue(a.cacheKey().matches("[0-9a-f]{64}"));
        assertNull(a.cached(), "nothing built yet: no runtime, and no build either");
    }

    @Test
    void linksTheAgentsModulesAndTheServiceModulesTheJdkHas() throws Exception {
        AgentRuntimeBuilder withEc = new AgentRuntimeBuilder(fakeJdk("a", JDK17), tmp.resolve("cache"));
        assertEquals(List.of("java.base", "jdk.unsupported", "jdk.crypto.ec"), withEc.modules());
        // JDK 22+ moved SunEC into java.base: a JDK without the module must not be asked for it.
        AgentRuntimeBuilder without = new AgentRuntimeBuilder(fakeJdk("b", JDK17.replace(" jdk.crypto.ec", "")), tmp.resolve("cache"));
        assertEquals(List.of("java.base", "jdk.unsupported"), without.modules());
        Path image = tmp.resolve("image");
        assertEquals(List.of(tmp.resolve("a/bin/jlink").toString(), "--add-modules", "java.base,jdk.unsupported,jdk.crypto.ec",
                "--strip-debug", "--no-man-pages", "--no-header-files", "--compress=0", "--generate-cds-archive", "--output", image.toString()),
                withEc.jlinkCommand(image));
    }

    @Test
    void thePlatformIsTheJdksUnlessATestPretends() throws Exception {
        AgentRuntimeBuilder b = new AgentRuntimeBuilder(fakeJdk("a", JDK17), tmp.resolve("cache"));
        assertEquals(new HostPlatform("Linux", "x86_64", "gnu"), b.platform());
        assertEquals("aarch64", b.pretendingPlatform(new HostPlatform("Linux", "aarch64", "gnu")).platform().arch());
    }

    /** The agent jar needs no module beyond the list (jdeps of the jar this build embeds). */
    @Test
    void theModuleListCoversWhatJdepsFindsInTheAgentJar() throws Exception {
        Path jar = tmp.resolve("agent.jar");
        Files.write(jar, AgentJar.embedded().bytes());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int rc = ToolProvider.findFirst("jdeps").orElseThrow().run(new PrintStream(out, true, StandardCharsets.UTF_8),
                System.err, "--ignore-missing-deps", "--multi-release", "17", "--print-module-deps", jar.toString());
        assertEquals(0, rc, out.toString(StandardCharsets.UTF_8));
        Set<String> needed = new HashSet<>(List.of(out.toString(StandardCharsets.UTF_8).strip().split(",")));
        assertTrue(needed.contains("java.base"), needed.toString());
        assertTrue(AgentRuntimeBuilder.MODULES.containsAll(needed), "jdeps says " + needed + ", the list has " + AgentRuntimeBuilder.MODULES);
    }

    @Test
    void packingIsReproducibleAndKeepsExecutableBits() throws Exception {
        Path image = Files.createDirectories(tmp.resolve("img/bin"));
        Files.writeString(image.resolve("java"), "#!/bin/sh\necho hi\n");
        Files.setPosixFilePermissions(image.resolve("java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectories(tmp.resolve("img/lib"));
        Files.writeString(tmp.resolve("img/lib/modules"), "x".repeat(1000));
        Files.createSymbolicLink(tmp.resolve("img/lib/same"), Path.of("modules")); // as jlink links legal/ files
        Properties first = AgentRuntimeBuilder.pack(tmp.resolve("img"), tmp.resolve("a.tar.gz"));
        Files.setLastModifiedTime(tmp.resolve("img/lib/modules"), java.nio.file.attribute.FileTime.fromMillis(123456789L));
        Properties second = AgentRuntimeBuilder.pack(tmp.resolve("img"), tmp.resolve("b.tar.gz"));
        assertEquals(first.getProperty("sha256"), second.getProperty("sha256"), "file times do not change the archive");
        assertEquals(AgentJar.sha256Hex(Files.readAllBytes(tmp.resolve("a.tar.gz"))), first.getProperty("sha256"));
        assertEquals("1018", first.getProperty("unpacked"));
        List<String> entries = new java.util.ArrayList<>();
        try (InputStream in = new java.util.zip.GZIPInputStream(Files.newInputStream(tmp.resolve("a.tar.gz")));
             TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
            for (TarArchiveEntry e; (e = tar.getNextEntry()) != null; ) {
                entries.add(e.getName() + (e.isSymbolicLink() ? " -> " + e.getLinkName() : " " + Integer.toOctalString(e.getMode() & 0777)));
            }
        }
        assertEquals(List.of("bin/ 755", "bin/java 755", "lib/ 755", "lib/modules 644", "lib/same -> modules"), entries);
        Files.createSymbolicLink(tmp.resolve("img/lib/out"), Path.of("/etc/passwd"));
        assertThrows(java.io.IOException.class, () -> AgentRuntimeBuilder.pack(tmp.resolve("img"), tmp.resolve("c.tar.gz")),
                "a link leaving the image is refused");
    }

    /** A JDK whose jlink is a script: makes an image with a bin/java and counts its runs in {@code runs}. */
    private Path jdkWithFakeJlink(String name, String jlinkBody) throws Exception {
        Path jdk = fakeJdk(name, JDK17);
        Path jlink = Files.createDirectories(jdk.resolve("bin")).resolve("jlink");
        Files.writeString(jlink, "#!/bin/sh\necho run >> " + jdk.resolve("runs") + "\n" + jlinkBody);
        Files.setPosixFilePermissions(jlink, PosixFilePermissions.fromString("rwxr-xr-x"));
        return jdk;
    }

    private static final String MAKE_IMAGE = "for a in \"$@\"; do out=$a; done\n" // --output is the last argument
            + "mkdir -p \"$out/bin\" && printf '#!/bin/sh\\n' > \"$out/bin/java\" && chmod 755 \"$out/bin/java\"\n";

    @Test
    void buildsOncePerJdkAndLaterBuildersUseTheCache() throws Exception {
        Path jdk = jdkWithFakeJlink("a", MAKE_IMAGE);
        Path cache = tmp.resolve("cache");
        AgentRuntime built = new AgentRuntimeBuilder(jdk, cache).get();
        assertTrue(built.built() != null, "built in this process");
        assertEquals(AgentJar.sha256Hex(Files.readAllBytes(built.archive())), built.sha256());
        AgentRuntime again = new AgentRuntimeBuilder(jdk, cache).get();
        assertEquals(built.sha256(), again.sha256());
        assertNull(again.built(), "from the cache");
        assertEquals(1, Files.readAllLines(jdk.resolve("runs")).size(), "jlink ran once");
        try (var entries = Files.list(cache)) {
            assertEquals(List.of(new AgentRuntimeBuilder(jdk, cache).cacheKey().substring(0, 16)),
                    entries.map(p -> p.getFileName().toString()).toList(), "no temp directory left behind");
        }
    }

    @Test
    void concurrentBuildersOfOneJdkAgreeOnOneCacheEntry() throws Exception {
        Path jdk = jdkWithFakeJlink("a", "sleep 0.3\n" + MAKE_IMAGE);
        Path cache = tmp.resolve("cache");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<AgentRuntime>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) runs.add(pool.submit(() -> new AgentRuntimeBuilder(jdk, cache).get()));
            Set<String> shas = new HashSet<>();
            for (var r : runs) shas.add(r.get(60, java.util.concurrent.TimeUnit.SECONDS).sha256());
            assertEquals(1, shas.size(), "every builder got the same runtime: " + shas);
        } finally {
            pool.shutdownNow();
        }
        try (var entries = Files.list(cache)) {
            assertEquals(1, entries.count(), "one cache entry, no temp directories");
        }
    }

    @Test
    void aFailingJlinkIsAnErrorWithItsOutputAndLeavesNoCacheEntry() throws Exception {
        Path jdk = jdkWithFakeJlink("a", "echo 'Error: Module jdk.unsupported not found' >&2\nexit 1\n");
        Path cache = tmp.resolve("cache");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> new AgentRuntimeBuilder(jdk, cache).get());
        assertTrue(e.getMessage().contains("exit 1") && e.getMessage().contains("Module jdk.unsupported not found"), e.getMessage());
        try (var entries = Files.list(cache)) {
            assertEquals(0, entries.count());
        }
        java.io.IOException jre = assertThrows(java.io.IOException.class,
                () -> new AgentRuntimeBuilder(fakeJdk("jre", JDK17), cache).get());
        assertTrue(jre.getMessage().contains("no jlink") && jre.getMessage().contains(AgentRuntimeBuilder.JDK_ENV), jre.getMessage());
    }

    /** Hosts with Java only ask for the cached runtime while another host's build runs: they must not wait for it. */
    @Test
    void lookingForTheCachedRuntimeDoesNotWaitForABuild() throws Exception {
        Path jdk = jdkWithFakeJlink("a", "while [ ! -f " + tmp.resolve("go") + " ]; do sleep 0.05; done\n" + MAKE_IMAGE);
        AgentRuntimeBuilder builder = new AgentRuntimeBuilder(jdk, tmp.resolve("cache"));
        var build = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return builder.get();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (!Files.exists(jdk.resolve("runs")) && System.nanoTime() < deadline) Thread.sleep(20);
        assertTrue(Files.exists(jdk.resolve("runs")), "jlink started");
        assertNull(java.util.concurrent.CompletableFuture.supplyAsync(builder::cached).get(5, java.util.concurrent.TimeUnit.SECONDS),
                "no runtime yet, answered while jlink runs");
        Files.writeString(tmp.resolve("go"), "");
        AgentRuntime built = build.get(60, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(built, builder.cached());
    }
}

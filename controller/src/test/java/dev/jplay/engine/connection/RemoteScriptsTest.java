package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provisioning scripts, run by the local /bin/sh with a scratch $HOME. */
class RemoteScriptsTest {
    @TempDir
    Path home;

    private String sh(String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", RemoteScripts.viaSh(script)).redirectErrorStream(true);
        pb.environment().put("HOME", home.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /** Runs {@code script} with only the tools a bare host has on the PATH (no java unless the test adds one). */
    private Result bare(String script) throws Exception {
        Path bin = tools();
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", RemoteScripts.viaSh(script)).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("HOME", home.toString());
        pb.environment().put("PATH", bin.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    /** $HOME/bin with the tools of a bare host, the only directory on the scripts' PATH. */
    private Path tools() throws Exception {
        Path bin = home.resolve("bin");
        if (!Files.isDirectory(bin)) {
            Files.createDirectories(bin);
            for (String tool : List.of("sh", "uname", "readlink", "mkdir", "chmod", "sha256sum", "tar", "gzip", "find", "rm",
                    "mv", "env", "cat", "touch", "sleep", "dirname")) {
                Path real = Files.exists(Path.of("/usr/bin", tool)) ? Path.of("/usr/bin", tool) : Path.of("/bin", tool);
                Files.createSymbolicLink(bin.resolve(tool), real);
            }
        }
        return bin;
    }

    record Result(int exit, String out) {}

    private static String machine() throws Exception {
        Process p = new ProcessBuilder("uname", "-s", "-m").start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        p.waitFor();
        return out + " gnu"; // this build machine is a glibc one
    }

    /** A stand-in java: prints its name and arguments; {@code -Xshare:dump} writes the base archive as a JDK's does. */
    private Path fakeJava(Path javaHome, String name, String releaseVersion) throws Exception {
        Path java = Files.createDirectories(javaHome.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "if [ \"$1\" = -Xshare:dump ]; then d=$(dirname \"$0\")/../lib/server; mkdir -p \"$d\"; echo base > \"$d/classes.jsa\"; exit 0; fi\n"
                + "echo " + name + " \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (releaseVersion != null) Files.writeString(javaHome.resolve("release"), "IMPLEMENTOR=\"x\"\nJAVA_VERSION=\"" + releaseVersion + "\"\n");
        return java;
    }

    private AgentJar cachedJar() throws Exception {
        AgentJar jar = AgentJar.of("the real bytes".getBytes(StandardCharsets.UTF_8));
        Files.createDirectories(home.resolve(RemoteScripts.AGENT_DIR));
        Files.writeString(home.resolve(RemoteScripts.AGENT_DIR).resolve(jar.fileName()), "the real bytes");
        return jar;
    }

    @Test
    void aHostWithoutJavaSaysSoWithItsPlatformInTheSameAnswer() throws Exception {
        Result r = bare(RemoteScripts.startOrRequestUpload(cachedJar(), RemoteScripts.JavaChoice.auto("0123456789abcdef")));
        assertEquals(RemoteScripts.NO_JAVA_READY_MARKER + "missing present " + machine() + " " + home + "\n", r.out());
        assertEquals(127, r.exit());
        // The same answer readies both private directories, so that the runtime and the jar can be uploaded at once.
        for (String dir : List.of(RemoteScripts.RUNTIME_DIR, RemoteScripts.AGENT_DIR)) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(dir))), dir);
        }
    }

    @Test
    void aHostWithoutJavaOrTheJarSaysBothAreMissing() throws Exception {
        AgentJar jar = AgentJar.of("the real bytes".getBytes(StandardCharsets.UTF_8));
        Result r = bare(RemoteScripts.startOrRequestUpload(jar, RemoteScripts.JavaChoice.auto(null)));
        assertEquals(RemoteScripts.NO_JAVA_READY_MARKER + "missing absent " + machine() + " " + home + "\n", r.out());
    }

    @Test
    void aRuntimeAndAJarUploadedTogetherAreInstalledByOneScript() throws Exception {
        AgentJar jar = AgentJar.of("the real bytes".getBytes(StandardCharsets.UTF_8));
        AgentRuntime runtime = packedRuntime("made by jlink\n");
        Path temp = upload(runtime, "cccc", Files.readAllBytes(runtime.archive()));
        Path jarTemp = Files.write(Files.createDirectories(home.resolve(RemoteScripts.AGENT_DIR)).resolve(".j.cccc.tmp"),
                "the real bytes".getBytes(StandardCharsets.UTF_8));
        Result r = bare(RemoteScripts.installRuntimeAndStart(runtime, temp.toString(), jar, jarTemp.toString(), null));
        assertTrue(r.out().startsWith("pushed-java ") && r.out().contains("-jar " + home.resolve(RemoteScripts.AGENT_DIR)
                .resolve(jar.fileName())), r.out());
        assertEquals("the real bytes", Files.readString(home.resolve(RemoteScripts.AGENT_DIR).resolve(jar.fileName())));
        assertFalse(Files.exists(jarTemp), "the jar's upload was renamed into place");
    }

    @Test
    void aCorruptedJarUploadedWithARuntimeIsNamedAsTheJar() throws Exception {
        AgentJar jar = AgentJar.of("the real bytes".getBytes(StandardCharsets.UTF_8));
        AgentRuntime runtime = packedRuntime("made by jlink\n");
        Path temp = upload(runtime, "dddd", Files.readAllBytes(runtime.archive()));
        Path jarTemp = Files.write(Files.createDirectories(home.resolve(RemoteScripts.AGENT_DIR)).resolve(".j.dddd.tmp"),
                "torn".getBytes(StandardCharsets.UTF_8));
        Result r = bare(RemoteScripts.installRuntimeAndStart(runtime, temp.toString(), jar, jarTemp.toString(), null));
        assertEquals(RemoteScripts.BAD_DIGEST_MARKER + AgentJar.sha256Hex("torn".getBytes(StandardCharsets.UTF_8)) + " "
                + RemoteScripts.JAR_SUFFIX + "\n", r.out());
        assertFalse(Files.exists(jarTemp), "a bad upload is removed");
        assertFalse(Files.exists(home.resolve(RemoteScripts.AGENT_DIR).resolve(jar.fileName())), "and never installed");
    }

    @Test
    void aJavaOnThePathOlderThan17ByItsReleaseFileIsNotStarted() throws Exception {
        AgentJar jar = cachedJar();
        Files.createSymbolicLink(tools().resolve("java"), fakeJava(home.resolve("jdk11"), "old-java", "11.0.2"));
        Result r = bare(RemoteScripts.startOrRequestUpload(jar, RemoteScripts.JavaChoice.auto(null)));
        assertEquals(RemoteScripts.NO_JAVA_READY_MARKER + "java11 present " + machine() + " " + home + "\n", r.out());
        Files.writeString(home.resolve("jdk11/release"), "JAVA_VERSION=\"1.8.0_392\"\n");
        assertTrue(bare(RemoteScripts.startOrRequestUpload(jar, RemoteScripts.JavaChoice.auto(null))).out()
                .startsWith(RemoteScripts.NO_JAVA_READY_MARKER + "java8 "));
    }

    @Test
    void aJava17OnThePathRunsTheAgent() throws Exception {
        AgentJar jar = cachedJar();
        Files.createSymbolicLink(tools().resolve("java"), fakeJava(home.resolve("jdk17"), "path-java", "17.0.15"));
        Result r = bare(RemoteScripts.startOrRequestUpload(jar, RemoteScripts.JavaChoice.auto("0123456789abcdef")));
        assertTrue(r.out().startsWith("path-java ") && r.out().contains("-jar " + home.resolve(RemoteScripts.AGENT_DIR).resolve(jar.fileName())), r.out());
    }

    @Test
    void aPushedRuntimeIsUsedBeforeTheJavaOnThePath() throws Exception {
        AgentJar jar = cachedJar();
        Files.createSymbolicLink(tools().resolve("java"), fakeJava(home.resolve("jdk17"), "path-java", "17.0.15"));
        fakeJava(home.resolve(RemoteScripts.RUNTIME_DIR).resolve("0123456789abcdef"), "pushed-java", null);
        assertTrue(bare(RemoteScripts.startOrRequestUpload(jar, RemoteScripts.JavaChoice.auto("0123456789abcdef"))).out()
                .startsWith("pushed-java "));
    }

    @Test
    void jplayJavaIsUsedAsGivenOrReportedMissing() throws Exception {
        AgentJar jar = cachedJar();
        fakeJava(home.resolve("opt/jdk"), "given-java", null);
        assertTrue(bare(RemoteScripts.startOrRequestUpload(jar, RemoteScripts.JavaChoice.given("~/opt/jdk/bin/java"))).out()
                .startsWith("given-java "));
        Result missing = bare(RemoteScripts.startOrRequestUpload(jar, RemoteScripts.JavaChoice.given("/nowhere/bin/java")));
        assertEquals(RemoteScripts.NO_JAVA_MARKER + "given " + machine() + " " + home + "\n", missing.out());
    }

    @Test
    void anAbsentRuntimeIsAskedForWithAPrivateDirectoryReady() throws Exception {
        Result r = bare(RemoteScripts.startOrRequestUpload(cachedJar(), RemoteScripts.JavaChoice.runtime("0123456789abcdef")));
        assertEquals(RemoteScripts.UPLOAD_RUNTIME_MARKER + machine() + " " + home + "\n", r.out());
        assertEquals(0, r.exit());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(RemoteScripts.RUNTIME_DIR))));
    }

    /** A runtime archive as the builder packs it, whose java is {@link #fakeJava}. */
    private AgentRuntime packedRuntime() throws Exception {
        return packedRuntime(null);
    }

    /** The same with a base CDS archive in the image (as jlink's --generate-cds-archive makes it), unless null. */
    private AgentRuntime packedRuntime(String baseArchive) throws Exception {
        Path image = tmpImage();
        fakeJava(image, "pushed-java", null);
        if (baseArchive != null) Files.writeString(Files.createDirectories(image.resolve("lib/server")).resolve("classes.jsa"), baseArchive);
        Path archive = home.getParent().resolve(home.getFileName() + "-runtime.tar.gz");
        java.util.Properties info = AgentRuntimeBuilder.pack(image, archive);
        return new AgentRuntime(archive, info.getProperty("sha256"), Files.size(archive), 0,
                new HostPlatform("Linux", "x86_64", "gnu"), null);
    }

    private Path tmpImage() throws Exception {
        return Files.createTempDirectory(home.getParent(), "image");
    }

    private Path upload(AgentRuntime runtime, String random, byte[] bytes) throws Exception {
        Path dir = Files.createDirectories(home.resolve(RemoteScripts.RUNTIME_DIR));
        return Files.write(dir.resolve("." + runtime.dirName() + "." + random + ".tar.gz.tmp"), bytes);
    }

    @Test
    void anUploadedRuntimeIsVerifiedUnpackedGivenItsBaseArchiveAndRenamedIntoPlace() throws Exception {
        AgentJar jar = cachedJar();
        AgentRuntime runtime = packedRuntime();
        Path temp = upload(runtime, "aaaa", Files.readAllBytes(runtime.archive()));
        // What interrupted runs left: an old truncated upload and an old half-unpacked directory, and a young
        // upload that may be a concurrent run's.
        AgentRuntime other = runtime;
        Path oldUpload = upload(other, "old1", java.util.Arrays.copyOf(Files.readAllBytes(runtime.archive()), 100));
        Path oldHalf = Files.createDirectories(Path.of(oldUpload + ".d").resolve("bin"));
        Path young = upload(other, "young", new byte[10]);
        java.nio.file.attribute.FileTime twoHoursAgo = java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 7_200_000);
        Files.setLastModifiedTime(oldUpload, twoHoursAgo);
        Files.setLastModifiedTime(oldHalf.getParent(), twoHoursAgo);

        Result r = bare(RemoteScripts.installRuntimeAndStart(runtime, temp.toString(), jar));
        assertTrue(r.out().startsWith("pushed-java "), r.out());
        Path installed = home.resolve(RemoteScripts.RUNTIME_DIR).resolve(runtime.dirName());
        assertTrue(Files.isExecutable(installed.resolve("bin/java")));
        assertEquals("base\n", Files.readString(installed.resolve("lib/server/classes.jsa")), "a runtime without a base CDS archive gets one dumped on the host");
        assertTrue(r.out().contains("-XX:ArchiveClassesAtExit=" + home.resolve(RemoteScripts.AGENT_DIR).resolve(jar.fileName())
                + "." + runtime.dirName() + ".jsa."), "the agent's own archive is named for the runtime: " + r.out());
        assertFalse(Files.exists(temp), "upload removed");
        assertFalse(Files.exists(Path.of(temp + ".d")), "no unpack directory left");
        assertFalse(Files.exists(oldUpload), "an old interrupted upload is cleaned up");
        assertFalse(Files.exists(oldHalf.getParent()), "an old half-unpacked directory is cleaned up");
        assertTrue(Files.exists(young), "a young upload may be a concurrent run's: kept");
    }

    @Test
    void aRuntimeThatBringsItsBaseArchiveIsNotDumpedOnTheHost() throws Exception {
        AgentJar jar = cachedJar();
        AgentRuntime runtime = packedRuntime("made by jlink\n");
        Path temp = upload(runtime, "bbbb", Files.readAllBytes(runtime.archive()));
        Result r = bare(RemoteScripts.installRuntimeAndStart(runtime, temp.toString(), jar));
        assertTrue(r.out().startsWith("pushed-java "), r.out());
        Path installed = home.resolve(RemoteScripts.RUNTIME_DIR).resolve(runtime.dirName());
        assertEquals("made by jlink\n", Files.readString(installed.resolve("lib/server/classes.jsa")),
                "the shipped archive is used as it came: no -Xshare:dump on the host");
    }

    /** Each JDK update on the controller makes a new runtime: the old ones go once no agent started on them for a month. */
    @Test
    void anInstallRemovesRuntimesUnusedForAMonthAndStartsMarkTheirRuntimeUsed() throws Exception {
        AgentJar jar = cachedJar();
        Path runtimes = home.resolve(RemoteScripts.RUNTIME_DIR);
        fakeJava(runtimes.resolve("aaaaaaaaaaaaaaaa"), "old-java", null);
        fakeJava(runtimes.resolve("bbbbbbbbbbbbbbbb"), "recent-java", null);
        Path oldMark = Files.writeString(runtimes.resolve("aaaaaaaaaaaaaaaa").resolve(RemoteScripts.USED_MARK), "");
        Path recentMark = Files.writeString(runtimes.resolve("bbbbbbbbbbbbbbbb").resolve(RemoteScripts.USED_MARK), "");
        long day = 86_400_000L;
        Files.setLastModifiedTime(oldMark, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 40 * day));
        Files.setLastModifiedTime(recentMark, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 20 * day));
        AgentRuntime runtime = packedRuntime();
        Path temp = upload(runtime, "dddd", Files.readAllBytes(runtime.archive()));
        assertTrue(bare(RemoteScripts.installRuntimeAndStart(runtime, temp.toString(), jar)).out().startsWith("pushed-java "));
        assertFalse(Files.exists(runtimes.resolve("aaaaaaaaaaaaaaaa")), "unused for 40 days: removed");
        assertTrue(Files.exists(runtimes.resolve("bbbbbbbbbbbbbbbb/bin/java")), "used 20 days ago: kept");
        Path newMark = runtimes.resolve(runtime.dirName()).resolve(RemoteScripts.USED_MARK);
        assertTrue(Files.exists(newMark), "the start marked the new runtime used");
        // A start on a runtime found in place marks it too.
        assertTrue(bare(RemoteScripts.startOrRequestUpload(jar, RemoteScripts.JavaChoice.auto("bbbbbbbbbbbbbbbb"))).out()
                .startsWith("recent-java "));
        assertTrue(Files.getLastModifiedTime(recentMark).toMillis() > System.currentTimeMillis() - day, "marked used now");
        // A mark that cannot be written (here a directory in its place: root may write anywhere) does not stop the start.
        Files.delete(recentMark);
        Files.createDirectory(recentMark);
        Result r = bare(RemoteScripts.startOrRequestUpload(jar, RemoteScripts.JavaChoice.runtime("bbbbbbbbbbbbbbbb")));
        assertTrue(r.out().startsWith("recent-java "), r.out());
    }

    @Test
    void aRuntimeInstalledMeanwhileByAnotherRunIsKeptAndTheUploadDropped() throws Exception {
        AgentJar jar = cachedJar();
        AgentRuntime runtime = packedRuntime();
        fakeJava(home.resolve(RemoteScripts.RUNTIME_DIR).resolve(runtime.dirName()), "first-run-java", null);
        Path temp = upload(runtime, "bbbb", Files.readAllBytes(runtime.archive()));
        assertTrue(bare(RemoteScripts.installRuntimeAndStart(runtime, temp.toString(), jar)).out().startsWith("first-run-java "));
        assertFalse(Files.exists(temp));
    }

    @Test
    void aCorruptRuntimeUploadIsRefusedAndNothingIsInstalled() throws Exception {
        AgentJar jar = cachedJar();
        AgentRuntime runtime = packedRuntime();
        byte[] truncated = java.util.Arrays.copyOf(Files.readAllBytes(runtime.archive()), 200);
        Path temp = upload(runtime, "cccc", truncated);
        Result r = bare(RemoteScripts.installRuntimeAndStart(runtime, temp.toString(), jar));
        assertEquals(RemoteScripts.BAD_DIGEST_MARKER + AgentJar.sha256Hex(truncated) + "\n", r.out());
        assertFalse(Files.exists(temp));
        assertFalse(Files.exists(home.resolve(RemoteScripts.RUNTIME_DIR).resolve(runtime.dirName())));
    }

    @Test
    void asksForAnUploadAndPreparesAPrivateDirectoryWhenTheJarIsMissing() throws Exception {
        AgentJar jar = AgentJar.of("not really a jar".getBytes(StandardCharsets.UTF_8));
        assertEquals(RemoteScripts.UPLOAD_MARKER + home + "\n", sh(RemoteScripts.startOrRequestUpload(jar)));
        Path dir = home.resolve(RemoteScripts.AGENT_DIR);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve(".jplay"))));
    }

    @Test
    void refusesAnUploadWhoseDigestDiffersAndRemovesIt() throws Exception {
        AgentJar jar = AgentJar.of("the real bytes".getBytes(StandardCharsets.UTF_8));
        Path temp = Files.writeString(home.resolve("upload's.tmp"), "corrupted bytes"); // a quote in the name, too
        Path target = home.resolve(jar.fileName());
        String out = sh(RemoteScripts.verifyAndStart(jar, temp.toString(), target.toString()));
        assertEquals(RemoteScripts.BAD_DIGEST_MARKER + AgentJar.sha256Hex("corrupted bytes".getBytes(StandardCharsets.UTF_8)) + "\n", out);
        assertFalse(Files.exists(temp));
        assertFalse(Files.exists(target));
    }

    @Test
    void movesAVerifiedUploadIntoPlace() throws Exception {
        AgentJar jar = AgentJar.of("the real bytes".getBytes(StandardCharsets.UTF_8));
        Path temp = Files.writeString(home.resolve("upload.tmp"), "the real bytes");
        Path target = home.resolve(jar.fileName());
        String out = sh(RemoteScripts.verifyAndStart(jar, temp.toString(), target.toString()));
        // The bytes are no jar, so java refuses them: but only after the rename.
        assertTrue(out.contains("jarfile"), out);
        assertEquals("the real bytes", Files.readString(target));
        assertFalse(Files.exists(temp));
    }

    /**
     * Runs the first-run start script (a verified upload, no archive yet) with {@code fakeJava} as the {@code java}
     * on the PATH; its stderr is discarded.
     */
    private Process firstRunWith(AgentJar jar, String fakeJava) throws Exception {
        Path temp = Files.writeString(home.resolve("upload.tmp"), "the real bytes");
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path java = Files.writeString(bin.resolve("java"), fakeJava);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c",
                RemoteScripts.viaSh(RemoteScripts.verifyAndStart(jar, temp.toString(), home.resolve(jar.fileName()).toString())));
        pb.environment().put("HOME", home.toString());
        pb.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        return pb.start();
    }

    /**
     * A first run: the JVM closes its output once it has answered, then spends seconds writing its CDS archive.
     * The controller must see the end of output then, not when the archive is written; the archive still lands.
     */
    @Test
    void firstRunEndsTheOutputWhenTheAgentDoesNotWhenItsArchiveIsWritten() throws Exception {
        AgentJar jar = AgentJar.of("the real bytes".getBytes(StandardCharsets.UTF_8));
        // A stand-in JVM: answers, closes stdout, then "writes the archive" for 3 s (reads a line of stdin first,
        // so the test also proves the agent gets the channel's stdin, not /dev/null).
        Process p = firstRunWith(jar, """
                #!/bin/sh
                read -r request
                echo "hello $request"
                exec 1>&-
                sleep 3
                for a in "$@"; do case "$a" in -XX:ArchiveClassesAtExit=*) echo archive > "${a#*=}" ;; esac; done
                """);
        long start = System.nanoTime();
        p.getOutputStream().write("ping\n".getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().flush();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        long eofMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("hello ping\n", out);
        assertTrue(eofMillis < 2500, "end of output came after " + eofMillis + " ms, with the archive");
        assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
        assertEquals("archive\n", Files.readString(home.resolve(jar.fileName() + ".jsa")));
    }

    /** A first-run JVM killed while writing its archive must not leave a torn archive for later agents. */
    @Test
    void anAgentKilledWhileWritingItsArchiveLeavesNoArchive() throws Exception {
        AgentJar jar = AgentJar.of("the real bytes".getBytes(StandardCharsets.UTF_8));
        Process p = firstRunWith(jar, """
                #!/bin/sh
                for a in "$@"; do case "$a" in -XX:ArchiveClassesAtExit=*) echo "half an archi" > "${a#*=}" ;; esac; done
                echo hello
                kill -KILL $$
                """);
        p.getOutputStream().close();
        assertEquals("hello\n", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(128 + 9, p.exitValue(), "dies of the agent's signal");
        assertFalse(Files.exists(home.resolve(jar.fileName() + ".jsa")), "no torn archive installed");
        try (var left = Files.list(home)) {
            assertTrue(left.noneMatch(f -> f.getFileName().toString().contains(".jsa.")), "no temp archive left");
        }
    }
}

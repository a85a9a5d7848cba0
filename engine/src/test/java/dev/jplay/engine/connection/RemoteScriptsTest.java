package dev.jplay.engine.connection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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

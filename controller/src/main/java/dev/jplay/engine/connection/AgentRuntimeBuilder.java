package dev.jplay.engine.connection;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * Makes the Java runtime pushed to hosts without Java: {@code jlink} of a controller JDK (the one jplay runs on,
 * or {@value #JDK_ENV}) with just the agent's modules, packed as a {@code .tar.gz}. Built once per
 * JDK: the result is cached in {@code ~/.cache/jplay/runtime/<key>/}, where the key hashes the JDK's
 * {@code release} file, the modules and the jlink options; a build goes to a temp directory renamed into place,
 * so concurrent controllers cannot leave a half cache entry (the later one keeps the first one's).
 *
 * <p>Measured with Debian's JDK 17 (x86_64, 2 cores): jlink 2.3 s and packing ~2 s when idle, 23 s together under
 * heavy load (with the CDS archive 17-39 s under load; once per JDK). What a runtime costs is CPU, on the host and on
 * the controller: {@code --generate-cds-archive} ships the JDK's base class-data archive, which each host used to
 * dump itself after unpacking ({@code -Xshare:dump}: 0.6 s of CPU, two thirds of an install). The tar stays gzipped
 * although a plain one unpacks in 0.04 instead of ~0.35 s of CPU: sshj's SFTP upload costs the controller ~14 ms of
 * CPU per MB (sshj's ciphers and SFTP in Java: 57.4 MB in 0.8 s of CPU, steady state), so 57 MB to each of 10 hosts
 * cost it 6.5 s more CPU than 18.8 MB gzipped, more than the ten hosts could save (0.3 s each). {@code --compress=0} and gzip over the whole image pack best: 18.8 MB, 57 MB
 * unpacked; {@code --compress=2} zips the class image first, which gzip then cannot shrink (21 MB). Only
 * {@code classes.jsa} is shipped, not jlink's {@code classes_nocoops.jsa} (10.5 MB, for heaps too big for compressed
 * oops): the host dumps that one itself, and only where the JVM would use it (see {@link RemoteScripts}). JDK 17's
 * class-data archives are not byte-for-byte reproducible, so two controllers with the same JDK may push two
 * runtimes (each verified by its own hash): the price of not dumping on every host.
 */
public final class AgentRuntimeBuilder {
    /** Names a JDK to jlink from instead of the one jplay runs on (another version, or one for the hosts' platform). */
    public static final String JDK_ENV = "JPLAY_JLINK_JDK";
    /**
     * What the agent jar needs: {@code jdeps --print-module-deps} of it says java.base and jdk.unsupported
     * (aircompressor's Unsafe); checked by a test against the built jar.
     */
    static final List<String> MODULES = List.of("java.base", "jdk.unsupported");
    /**
     * Services jdeps cannot see, added when the JDK has them: the SunEC provider (ECDHE and EC certificates in TLS
     * to registries) lives in jdk.crypto.ec up to JDK 21 and in java.base from JDK 22.
     */
    static final List<String> SERVICE_MODULES = List.of("jdk.crypto.ec");
    static final List<String> JLINK_OPTIONS = List.of("--strip-debug", "--no-man-pages", "--no-header-files", "--compress=0",
            "--generate-cds-archive");
    /** jlink's archive for JVMs without compressed oops: left out of the pushed image (see the class comment). */
    static final String NOCOOPS_ARCHIVE = "lib/server/classes_nocoops.jsa";
    /** Changes when the packing changes, so an old cache entry is not reused. */
    static final String FORMAT = "jplay-runtime-2";
    static final String ARCHIVE = "runtime.tar.gz";
    static final String INFO = "runtime.properties";
    private static final Duration JLINK_TIMEOUT = Duration.ofMinutes(5);

    private final Path jdk;
    private final Path cacheRoot;
    private final HostPlatform platformOverride;
    private Map<String, String> release;
    private volatile AgentRuntime runtime;
    /** Held while building: connects to hosts with Java only look at the cache and must not wait for a jlink. */
    private final Object building = new Object();

    AgentRuntimeBuilder(Path jdk, Path cacheRoot, HostPlatform platformOverride) {
        this.jdk = jdk.toAbsolutePath().normalize();
        this.cacheRoot = cacheRoot;
        this.platformOverride = platformOverride;
    }

    public AgentRuntimeBuilder(Path jdk, Path cacheRoot) {
        this(jdk, cacheRoot, null);
    }

    /** The JDK named by {@value #JDK_ENV}, else the running one; the cache under XDG_CACHE_HOME or ~/.cache. */
    public static AgentRuntimeBuilder fromEnvironment() {
        String named = System.getenv(JDK_ENV);
        Path jdk = named != null && !named.isBlank() ? Path.of(named) : Path.of(System.getProperty("java.home"));
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return new AgentRuntimeBuilder(jdk, cache.resolve("jplay").resolve("runtime"));
    }

    /** A builder that believes its JDK is for {@code platform} (tests of the host check). */
    AgentRuntimeBuilder pretendingPlatform(HostPlatform platform) {
        return new AgentRuntimeBuilder(jdk, cacheRoot, platform);
    }

    Path jdk() { return jdk; }

    /** What the runtime would run on: the JDK's OS, architecture and C library. */
    synchronized HostPlatform platform() throws IOException {
        return platformOverride != null ? platformOverride : HostPlatform.ofRelease(release());
    }

    /** The modules to link: {@link #MODULES} and those of {@link #SERVICE_MODULES} the JDK has. */
    synchronized List<String> modules() throws IOException {
        List<String> modules = new ArrayList<>(MODULES);
        Set<String> has = Set.of(release().getOrDefault("MODULES", "").split("\\s+"));
        for (String m : SERVICE_MODULES) if (has.contains(m)) modules.add(m);
        return modules;
    }

    /** Hash of what decides the image: the packing format, the JDK's release file, the modules and the options. */
    synchronized String cacheKey() throws IOException {
        MessageDigest d = sha256();
        d.update((FORMAT + "\n").getBytes(StandardCharsets.UTF_8));
        d.update(Files.readAllBytes(releaseFile()));
        d.update(("\n" + String.join(",", modules()) + "\n" + String.join(" ", JLINK_OPTIONS)).getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d.digest());
    }

    /** The cached runtime of this JDK, or null when none was built yet (never builds: cheap enough for every connect). */
    AgentRuntime cached() {
        AgentRuntime r = runtime;
        if (r != null) return r;
        try {
            Path dir = cacheRoot.resolve(cacheKey().substring(0, 16));
            if (!Files.isRegularFile(dir.resolve(INFO))) return null;
            runtime = read(dir, null);
            return runtime;
        } catch (IOException | RuntimeException e) {
            return null; // no release file, unreadable cache: get() says why
        }
    }

    /** The runtime, built now (once per JDK, for every host and run) unless it is cached. */
    AgentRuntime get() throws IOException {
        synchronized (building) {
            AgentRuntime c = cached();
            if (c != null) return c;
            return build();
        }
    }

    private AgentRuntime build() throws IOException {
        String key = cacheKey().substring(0, 16);
        Path dir = cacheRoot.resolve(key);
        Files.createDirectories(cacheRoot);
        Path tmp = Files.createTempDirectory(cacheRoot, "." + key + ".");
        try {
            long start = System.nanoTime();
            Path image = tmp.resolve("image");
            jlink(image);
            Files.deleteIfExists(image.resolve(NOCOOPS_ARCHIVE));
            Properties info = pack(image, tmp.resolve(ARCHIVE));
            deleteTree(image);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            info.setProperty("build_ms", String.valueOf(took.toMillis()));
            info.setProperty("jdk", jdk.toString());
            try (OutputStream out = Files.newOutputStream(tmp.resolve(INFO))) {
                info.store(out, "jplay agent runtime");
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                runtime = read(dir, took);
            } catch (IOException e) {
                if (!Files.isRegularFile(dir.resolve(INFO))) throw e;
                runtime = read(dir, null); // another controller finished first (rename onto its directory failed): use its copy
            }
            return runtime;
        } finally {
            deleteTree(tmp);
        }
    }

    /** {@code <jdk>/bin/jlink --add-modules ... <options> --output <image>}. */
    List<String> jlinkCommand(Path image) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(jdk.resolve("bin").resolve("jlink").toString(),
                "--add-modules", String.join(",", modules())));
        cmd.addAll(JLINK_OPTIONS);
        cmd.add("--output");
        cmd.add(image.toString());
        return cmd;
    }

    private void jlink(Path image) throws IOException {
        if (!Files.isExecutable(jdk.resolve("bin").resolve("jlink"))) {
            throw new IOException("no jlink in " + jdk + " (a JRE cannot make a runtime: name a JDK in " + JDK_ENV + ")");
        }
        Path log = image.resolveSibling("jlink.log");
        Process p = new ProcessBuilder(jlinkCommand(image)).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        try {
            if (!p.waitFor(JLINK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("jlink of " + jdk + " did not finish within " + JLINK_TIMEOUT.toMinutes() + " min");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running jlink", e);
        }
        if (p.exitValue() != 0 || !Files.isExecutable(image.resolve("bin").resolve("java"))) {
            String out = Files.readString(log, StandardCharsets.UTF_8).strip();
            throw new IOException("jlink of " + jdk + " failed (exit " + p.exitValue() + "): "
                    + (out.length() > 500 ? out.substring(0, 500) + "..." : out));
        }
    }

    /**
     * The image as a reproducible tar.gz (entries sorted, fixed times and owner, modes kept), so the same JDK gives
     * the same SHA-256 on every controller; links within the image stay links. Returns the archive's facts.
     */
    static Properties pack(Path image, Path archive) throws IOException {
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(image)) {
            paths = walk.filter(p -> !p.equals(image)).sorted(Comparator.comparing(p -> image.relativize(p).toString())).toList();
        }
        MessageDigest digest = sha256();
        long unpacked = 0;
        try (OutputStream file = Files.newOutputStream(archive);
             DigestOutputStream hashed = new DigestOutputStream(new BufferedOutputStream(file, 1 << 16), digest);
             GZIPOutputStream gz = new GZIPOutputStream(hashed, 1 << 16);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gz, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Path p : paths) {
                String name = image.relativize(p).toString().replace('\\', '/');
                if (Files.isSymbolicLink(p)) { // legal/<module>/LICENSE -> ../java.base/LICENSE
                    Path target = Files.readSymbolicLink(p);
                    if (target.isAbsolute() || !p.getParent().resolve(target).normalize().startsWith(image)) {
                        throw new IOException("the jlink image links outside itself: " + p + " -> " + target);
                    }
                    TarArchiveEntry link = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
                    link.setLinkName(target.toString());
                    link.setModTime(0);
                    link.setIds(0, 0);
                    link.setNames("", "");
                    tar.putArchiveEntry(link);
                    tar.closeArchiveEntry();
                    continue;
                }
                boolean dir = Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                TarArchiveEntry e = new TarArchiveEntry(dir ? name + "/" : name);
                e.setModTime(0);
                e.setIds(0, 0);
                e.setNames("", "");
                e.setMode((dir ? 040000 : 0100000) | mode(p));
                if (!dir) {
                    if (!Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        throw new IOException("unexpected non-regular file in the jlink image: " + p);
                    }
                    e.setSize(Files.size(p));
                    unpacked += e.getSize();
                }
                tar.putArchiveEntry(e);
                if (!dir) {
                    try (InputStream in = Files.newInputStream(p)) {
                        in.transferTo(tar);
                    }
                }
                tar.closeArchiveEntry();
            }
        }
        Properties info = new Properties();
        info.setProperty("sha256", HexFormat.of().formatHex(digest.digest()));
        info.setProperty("size", String.valueOf(Files.size(archive)));
        info.setProperty("unpacked", String.valueOf(unpacked));
        return info;
    }

    private static int mode(Path p) throws IOException {
        int mode = 0;
        for (PosixFilePermission perm : Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            mode |= 1 << (8 - perm.ordinal()); // OWNER_READ is ordinal 0 = 0400
        }
        return mode & 0755; // read and execute for all is what a runtime needs; the host's dir is private anyway
    }

    private AgentRuntime read(Path dir, Duration built) throws IOException {
        Properties info = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(INFO))) {
            info.load(in);
        }
        String sha = info.getProperty("sha256", "");
        if (!sha.matches("[0-9a-f]{64}")) throw new IOException("bad cache entry " + dir.resolve(INFO));
        Path archive = dir.resolve(ARCHIVE);
        long size = Long.parseLong(info.getProperty("size", "-1"));
        if (Files.size(archive) != size) throw new IOException("cache entry " + archive + " has the wrong size");
        return new AgentRuntime(archive, sha, size, Long.parseLong(info.getProperty("unpacked", "0")), platform(), built);
    }

    private Path releaseFile() {
        return jdk.resolve("release");
    }

    /** The JDK's {@code release} file as KEY -> value (quotes removed). */
    private Map<String, String> release() throws IOException {
        if (release == null) {
            Path file = releaseFile();
            if (!Files.isRegularFile(file)) {
                throw new IOException("no release file in " + jdk + " (is it a JDK? name one in " + JDK_ENV + ")");
            }
            release = parseRelease(Files.readAllLines(file, StandardCharsets.UTF_8));
        }
        return release;
    }

    static Map<String, String> parseRelease(List<String> lines) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq <= 0) continue;
            String v = line.substring(eq + 1).strip();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) v = v.substring(1, v.length() - 1);
            m.put(line.substring(0, eq).strip(), v);
        }
        return m;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) return;
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp directory under the cache is harmless; the next build uses its own
        }
    }
}

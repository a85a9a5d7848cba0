package dev.jplay.engine.schedule;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeSet;

/**
 * A fleet is the set of inventory sources a rollout targets. Files are named by their real path and inline
 * host lists by their hosts, so {@code ./hosts.ini} and {@code /srv/app/hosts.ini} are one fleet and
 * {@code "b,a,"} equals {@code "a,b"}.
 */
public record FleetId(String key, String fileName) {
    public static FleetId of(List<String> inventorySources) {
        TreeSet<String> parts = new TreeSet<>();
        for (String source : inventorySources) parts.add(normalize(source));
        String key = String.join("\n", parts);
        String hex;
        try {
            hex = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
        String readable = parts.first().replaceAll("[^A-Za-z0-9._-]+", "_");
        if (readable.length() > 40) readable = readable.substring(readable.length() - 40);
        return new FleetId(key, readable + "-" + hex.substring(0, 16));
    }

    private static String normalize(String source) {
        String s = source.strip();
        try {
            Path p = Path.of(s);
            if (Files.exists(p)) return "file:" + p.toRealPath();
        } catch (InvalidPathException | IOException e) {
            // not a file: an inline host list
        }
        TreeSet<String> hosts = new TreeSet<>();
        for (String h : s.split(",")) if (!h.isBlank()) hosts.add(h.strip());
        return "hosts:" + String.join(",", hosts);
    }
}

package dev.jplay.runtime.unpack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * What the kernel gives a new file of this process (owner, mode after umask), probed once, so the unpacker
 * can skip chown/chmod calls that would not change anything.
 */
record ProcessDefaults(int uid, int gid, int fileMode, int dirMode) {
    private static volatile ProcessDefaults cached;

    static ProcessDefaults get() {
        ProcessDefaults d = cached;
        if (d == null) {
            d = probe();
            cached = d;
        }
        return d;
    }

    private static ProcessDefaults probe() {
        try {
            Path dir = Files.createTempDirectory("jplay-umask");
            try {
                Path file = Files.createFile(dir.resolve("f"));
                Path sub = Files.createDirectory(dir.resolve("d"));
                int uid = (Integer) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
                int gid = (Integer) Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS);
                int fileMode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                int dirMode = (Integer) Files.getAttribute(sub, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
                Files.delete(file);
                Files.delete(sub);
                return new ProcessDefaults(uid, gid, fileMode, dirMode);
            } finally {
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot probe the default owner and umask in java.io.tmpdir", e);
        }
    }
}

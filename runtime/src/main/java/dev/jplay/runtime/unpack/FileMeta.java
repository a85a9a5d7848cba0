package dev.jplay.runtime.unpack;

import java.nio.file.attribute.FileTime;

/**
 * Metadata of one entry: permission bits including setuid/setgid/sticky ({@code 07777}), numeric owner, times.
 * {@code atime} may be null (then mtime is used).
 */
public record FileMeta(int mode, int uid, int gid, FileTime mtime, FileTime atime) {
    public FileMeta {
        mode &= 07777;
    }

    FileTime accessTime() {
        return atime != null ? atime : mtime;
    }
}

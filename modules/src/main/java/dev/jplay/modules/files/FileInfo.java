package dev.jplay.modules.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What is at a path right now, read in one {@code lstat}/{@code stat} through the JDK's "unix" attribute view.
 *
 * @param state absent, file, directory, link or other (device, fifo, socket)
 */
public record FileInfo(Path path, String state, int mode, int uid, int gid, String owner, String group, long size,
                       FileTime mtime, Path linkTarget) {

    public static FileInfo read(Path path, boolean follow) throws IOException {
        LinkOption[] opts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
        Map<String, Object> a;
        try {
            a = Files.readAttributes(path, "unix:*", opts);
        } catch (NoSuchFileException e) {
            return new FileInfo(path, "absent", 0, -1, -1, null, null, 0, null, null);
        }
        String state = Boolean.TRUE.equals(a.get("isSymbolicLink")) ? "link"
                : Boolean.TRUE.equals(a.get("isDirectory")) ? "directory"
                : Boolean.TRUE.equals(a.get("isRegularFile")) ? "file" : "other";
        Path target = "link".equals(state) ? Files.readSymbolicLink(path) : null;
        return new FileInfo(path, state, (Integer) a.get("mode") & 07777, (Integer) a.get("uid"), (Integer) a.get("gid"),
                ((UserPrincipal) a.get("owner")).getName(), ((GroupPrincipal) a.get("group")).getName(),
                (Long) a.get("size"), (FileTime) a.get("lastModifiedTime"), target);
    }

    public boolean exists() { return !"absent".equals(state); }
    public boolean isFile() { return "file".equals(state); }
    public boolean isDirectory() { return "directory".equals(state); }
    public boolean isLink() { return "link".equals(state); }

    /** The subset shown in diffs: enough to see what changed, nothing that changes on every run. */
    public Map<String, Object> summary() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("path", path.toString());
        m.put("state", state);
        if (exists() && !isLink()) {
            m.put("mode", FileMode.format(mode));
            m.put("owner", owner);
            m.put("group", group);
        }
        if (isLink()) m.put("src", linkTarget.toString());
        return m;
    }
}

package dev.jplay.modules.files;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Map;

/**
 * The {@code mode}/{@code owner}/{@code group} a task asks for; each may be absent (leave as is). Owners and
 * groups are names or numeric ids.
 */
public record FileAttributes(String module, FileMode mode, String owner, String group) {

    public static FileAttributes from(ModuleArgs args, String module) throws ModuleException {
        return new FileAttributes(module, FileMode.parse(module, args.raw().get("mode")),
                args.string("owner", null), args.string("group", null));
    }

    public boolean isEmpty() { return mode == null && owner == null && group == null; }

    /** True when applying these attributes to {@code current} would change it. */
    public boolean differ(FileInfo current) throws ModuleException {
        if (!current.exists()) return !isEmpty();
        if (mode != null && !current.isLink()
                && mode.resolve(module, current.mode(), current.isDirectory()) != current.mode()) return true;
        if (owner != null && !matches(owner, current.owner(), current.uid())) return true;
        return group != null && !matches(group, current.group(), current.gid());
    }

    /** {@code current}'s diff summary as it will be once these attributes are applied. */
    public Map<String, Object> expected(FileInfo current) throws ModuleException {
        Map<String, Object> m = current.summary();
        if (mode != null && current.exists() && !current.isLink()) {
            m.put("mode", FileMode.format(mode.resolve(module, current.mode(), current.isDirectory())));
        }
        if (owner != null) m.put("owner", owner);
        if (group != null) m.put("group", group);
        return m;
    }

    /**
     * Sets what differs. A symbolic link gets only owner and group (Linux has no symlink modes); it is never
     * followed.
     */
    public void apply(Path path) throws ModuleException {
        try {
            FileInfo current = FileInfo.read(path, false);
            if (mode != null && !current.isLink()) {
                int wanted = mode.resolve(module, current.mode(), current.isDirectory());
                if (wanted != current.mode()) Files.setAttribute(path, "unix:mode", wanted, LinkOption.NOFOLLOW_LINKS);
            }
            if (owner != null && !matches(owner, current.owner(), current.uid())) {
                if (isNumeric(owner)) {
                    Files.setAttribute(path, "unix:uid", Integer.parseInt(owner), LinkOption.NOFOLLOW_LINKS);
                } else {
                    Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .setOwner(lookup(path).lookupPrincipalByName(owner));
                }
            }
            if (group != null && !matches(group, current.group(), current.gid())) {
                if (isNumeric(group)) {
                    Files.setAttribute(path, "unix:gid", Integer.parseInt(group), LinkOption.NOFOLLOW_LINKS);
                } else {
                    GroupPrincipal g = lookup(path).lookupPrincipalByGroupName(group);
                    Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(g);
                }
            }
        } catch (UserPrincipalNotFoundException e) {
            throw new ModuleException(Step.EXEC, "PRINCIPAL_UNKNOWN", module + ": no such user or group '" + e.getName()
                    + "' on this host (for " + path + ")");
        } catch (IOException e) {
            throw new ModuleException(Step.EXEC, "ATTRIBUTES_FAILED", module + ": cannot set mode/owner/group of " + path
                    + ": " + e, e);
        }
    }

    private static UserPrincipalLookupService lookup(Path path) {
        return path.getFileSystem().getUserPrincipalLookupService();
    }

    private static boolean matches(String wanted, String currentName, int currentId) {
        return isNumeric(wanted) ? Integer.parseInt(wanted) == currentId : wanted.equals(currentName);
    }

    private static boolean isNumeric(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }
}

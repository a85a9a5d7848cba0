package dev.jplay.runtime.launch;

import dev.jplay.protocol.Step;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves Docker's {@code user} syntax ("name", "uid", "name:group", "uid:gid") against the container's own
 * /etc/passwd and /etc/group (never the host's). Supplementary groups come from /etc/group membership, as in Docker.
 */
final class RootfsUsers {

    /** The numeric identity the container process runs as. */
    record ResolvedUser(int uid, int gid, List<Integer> additionalGids) {}

    private record PasswdEntry(String name, int uid, int gid) {}

    private record GroupEntry(String name, int gid, List<String> members) {}

    private final List<PasswdEntry> passwd;
    private final List<GroupEntry> groups;

    private RootfsUsers(List<PasswdEntry> passwd, List<GroupEntry> groups) {
        this.passwd = passwd;
        this.groups = groups;
    }

    static RootfsUsers read(Path rootfs) {
        return new RootfsUsers(parsePasswd(lines(rootfs, "/etc/passwd")), parseGroups(lines(rootfs, "/etc/group")));
    }

    ResolvedUser resolve(String requested) {
        String user = requested == null || requested.isBlank() ? "0" : requested;
        String[] parts = user.split(":", 2);
        String userPart = parts[0];
        Optional<PasswdEntry> entry = isNumeric(userPart)
                ? passwd.stream().filter(p -> p.uid == Integer.parseInt(userPart)).findFirst()
                : passwd.stream().filter(p -> p.name.equals(userPart)).findFirst();
        if (entry.isEmpty() && !isNumeric(userPart)) {
            throw bad(user, "no user '" + userPart + "' in the image's /etc/passwd");
        }
        int uid = entry.map(PasswdEntry::uid).orElseGet(() -> Integer.parseInt(userPart));
        int primaryGid;
        if (parts.length == 2) {
            String groupPart = parts[1];
            if (isNumeric(groupPart)) {
                primaryGid = Integer.parseInt(groupPart);
            } else {
                primaryGid = groups.stream().filter(g -> g.name.equals(groupPart)).findFirst()
                        .orElseThrow(() -> bad(user, "no group '" + groupPart + "' in the image's /etc/group")).gid;
            }
        } else {
            primaryGid = entry.map(PasswdEntry::gid).orElse(0);
        }
        int gid = primaryGid;
        List<Integer> additional = new ArrayList<>();
        entry.ifPresent(e -> groups.stream()
                .filter(g -> g.members.contains(e.name) && g.gid != gid)
                .forEach(g -> additional.add(g.gid)));
        return new ResolvedUser(uid, gid, List.copyOf(additional));
    }

    private static LaunchException bad(String user, String why) {
        return new LaunchException(Step.ARGS, "BAD_USER", "cannot resolve user '" + user + "': " + why);
    }

    private static boolean isNumeric(String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    private static List<String> lines(Path rootfs, String containerPath) {
        try {
            Path file = RootfsPath.resolve(rootfs, containerPath);
            return RootfsPath.isRegularFile(file) ? Files.readAllLines(file, StandardCharsets.UTF_8) : List.of();
        } catch (IOException e) {
            throw new LaunchException(Step.ARGS, "BAD_USER",
                    "cannot read " + containerPath + " in rootfs " + rootfs + ": " + e.getMessage(), e);
        }
    }

    private static List<PasswdEntry> parsePasswd(List<String> lines) {
        List<PasswdEntry> entries = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(":", -1);
            if (f.length >= 4 && isNumeric(f[2]) && isNumeric(f[3])) {
                entries.add(new PasswdEntry(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3])));
            }
        }
        return entries;
    }

    private static List<GroupEntry> parseGroups(List<String> lines) {
        List<GroupEntry> entries = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(":", -1);
            if (f.length >= 3 && isNumeric(f[2])) {
                List<String> members = f.length >= 4 && !f[3].isBlank() ? List.of(f[3].split(",")) : List.of();
                entries.add(new GroupEntry(f[0], Integer.parseInt(f[2]), members));
            }
        }
        return entries;
    }
}

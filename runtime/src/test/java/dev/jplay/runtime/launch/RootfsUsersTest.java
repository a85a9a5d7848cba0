package dev.jplay.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsUsersTest {
    @TempDir Path tmp;

    private Path rootfs() throws IOException {
        Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
        BusyboxRootfs.write(rootfs.resolve("etc/passwd"), "root:x:0:0::/root:/bin/sh\nweb:x:33:33::/var/www:/bin/false\n");
        BusyboxRootfs.write(rootfs.resolve("etc/group"), "root:x:0:\nwww-data:x:33:\nadm:x:4:web\nstaff:x:50:web,root\n");
        return rootfs;
    }

    @Test
    void nameResolvesUidGidAndSupplementaryGroups() throws IOException {
        assertEquals(new RootfsUsers.ResolvedUser(33, 33, List.of(4, 50)), RootfsUsers.read(rootfs()).resolve("web"));
    }

    @Test
    void numericForms() throws IOException {
        RootfsUsers users = RootfsUsers.read(rootfs());
        assertEquals(new RootfsUsers.ResolvedUser(33, 33, List.of(4, 50)), users.resolve("33"));
        assertEquals(new RootfsUsers.ResolvedUser(5000, 0, List.of()), users.resolve("5000"));
        assertEquals(new RootfsUsers.ResolvedUser(5000, 6000, List.of()), users.resolve("5000:6000"));
        assertEquals(new RootfsUsers.ResolvedUser(33, 50, List.of(4)), users.resolve("web:staff"));
        assertEquals(new RootfsUsers.ResolvedUser(0, 0, List.of(50)), users.resolve(null));
    }

    @Test
    void unknownGroupIsAnError() throws IOException {
        RootfsUsers users = RootfsUsers.read(rootfs());
        assertEquals("BAD_USER", assertThrows(LaunchException.class, () -> users.resolve("web:nogroup")).code());
    }

    @Test
    void absoluteSymlinkToHostFileStaysInsideTheRootfs() throws IOException {
        Path rootfs = rootfs();
        // A hostile image points /etc/passwd at an absolute path; it must resolve inside the rootfs.
        Path hostFile = tmp.resolve("host-passwd");
        Files.writeString(hostFile, "evil:x:4242:4242::/:/bin/sh\n");
        BusyboxRootfs.write(rootfs.resolve(tmp.toString().substring(1)).resolve("host-passwd"), "inner:x:7:7::/:/bin/sh\n");
        Files.delete(rootfs.resolve("etc/passwd"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), hostFile);
        RootfsUsers users = RootfsUsers.read(rootfs);
        assertEquals(7, users.resolve("inner").uid());
        assertEquals("BAD_USER", assertThrows(LaunchException.class, () -> users.resolve("evil")).code());
    }

    @Test
    void dotDotCannotClimbOutOfTheRootfs() throws IOException {
        Path rootfs = rootfs();
        Files.delete(rootfs.resolve("etc/passwd"));
        Files.createSymbolicLink(rootfs.resolve("etc/passwd"), Path.of("../../../../../../etc/passwd2"));
        BusyboxRootfs.write(rootfs.resolve("etc/passwd2"), "inner:x:8:8::/:/bin/sh\n");
        assertEquals(rootfs.resolve("etc/passwd2"), RootfsPath.resolve(rootfs, "/etc/passwd"));
        assertEquals(8, RootfsUsers.read(rootfs).resolve("inner").uid());
    }
}

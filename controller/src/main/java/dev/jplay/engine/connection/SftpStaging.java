package dev.jplay.engine.connection;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.sftp.FileAttributes;
import net.schmizz.sshj.sftp.OpenMode;
import net.schmizz.sshj.sftp.RemoteFile;
import net.schmizz.sshj.sftp.RemoteResourceInfo;
import net.schmizz.sshj.sftp.SFTPClient;

/** {@link FileStaging} in {@code ~/.jplay/relay} of the login user, over one SFTP session of the host's connection. */
final class SftpStaging implements FileStaging {
    static final String DIR = ".jplay/relay";
    /** One SFTP write request per call, below the server's packet limit; 16 in flight (as the agent jar's upload). */
    private static final int CHUNK = 32 * 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SFTPClient sftp;
    private final String dir;

    private SftpStaging(SFTPClient sftp, String dir) {
        this.sftp = sftp;
        this.dir = dir;
    }

    static SftpStaging open(SSHClient client) throws IOException {
        SFTPClient sftp = client.newSFTPClient();
        try {
            sftp.mkdirs(DIR);
            sftp.chmod(DIR, 0700);
            return new SftpStaging(sftp, sftp.canonicalize(DIR));
        } catch (IOException | RuntimeException e) {
            sftp.close();
            throw e;
        }
    }

    @Override
    public String put(String name, InputStream in, long size) throws IOException {
        byte[] random = new byte[6];
        RANDOM.nextBytes(random);
        String path = dir + "/" + name + "." + HexFormat.of().formatHex(random) + ".staged";
        try (RemoteFile file = sftp.open(path, EnumSet.of(OpenMode.WRITE, OpenMode.CREAT, OpenMode.EXCL),
                     new FileAttributes.Builder().withPermissions(0600).build());
             OutputStream out = file.new RemoteFileOutputStream(0, 16)) {
            byte[] buffer = new byte[CHUNK];
            long written = 0;
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
                written += n;
            }
            if (written != size) throw new IOException("staged " + written + " bytes of " + size + " for " + name);
        } catch (IOException | RuntimeException e) {
            try {
                sftp.rm(path);
            } catch (IOException | RuntimeException gone) {
                // never created, or the connection is gone: the next relay's sweep removes it
            }
            throw e;
        }
        return path;
    }

    @Override
    public int sweep(int minutes) {
        long cutoff = System.currentTimeMillis() / 1000 - minutes * 60L;
        int removed = 0;
        try {
            for (RemoteResourceInfo entry : sftp.ls(dir)) {
                if (!entry.getName().endsWith(".staged") || entry.getAttributes().getMtime() > cutoff) continue;
                sftp.rm(entry.getPath());
                removed++;
            }
        } catch (IOException | RuntimeException e) {
            // best effort
        }
        return removed;
    }

    @Override
    public void close() {
        try {
            sftp.close();
        } catch (IOException | RuntimeException e) {
            // the connection may be gone
        }
    }
}

package dev.jplay.runtime.unpack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class CompressionTest {
    private final byte[] tar = new TarBuilder().file("hello.txt", "hello").tar();

    @Test
    void mediaTypesOfOciAndDocker() throws Exception {
        assertEquals(Compression.GZIP, Compression.forMediaType("application/vnd.oci.image.layer.v1.tar+gzip"));
        assertEquals(Compression.ZSTD, Compression.forMediaType("application/vnd.oci.image.layer.v1.tar+zstd"));
        assertEquals(Compression.NONE, Compression.forMediaType("application/vnd.oci.image.layer.v1.tar"));
        assertEquals(Compression.GZIP,
                Compression.forMediaType("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"));
        assertEquals(Compression.GZIP, Compression.forMediaType("application/vnd.docker.image.rootfs.diff.tar.gzip"));
        assertEquals(Compression.GZIP,
                Compression.forMediaType("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip"));
        assertNull(Compression.forMediaType(null));
        assertNull(Compression.forMediaType("application/octet-stream"));
        assertThrows(UnpackException.class,
                () -> Compression.forMediaType("application/vnd.oci.image.layer.v1.tar+bzip2"));
    }

    @Test
    void decompressesEachFormatToTheSameTar() throws Exception {
        assertArrayEquals(tar, read(TarBuilder.gzip(tar), "application/vnd.oci.image.layer.v1.tar+gzip"));
        assertArrayEquals(tar, read(TarBuilder.zstd(tar), "application/vnd.oci.image.layer.v1.tar+zstd"));
        assertArrayEquals(tar, read(tar, "application/vnd.oci.image.layer.v1.tar"));
    }

    @Test
    void sniffsWhenTheTypeSaysNothing() throws Exception {
        assertArrayEquals(tar, read(TarBuilder.gzip(tar), null));
        assertArrayEquals(tar, read(TarBuilder.zstd(tar), "application/octet-stream"));
        assertArrayEquals(tar, read(tar, null));
    }

    @Test
    void rejectsATypeThatContradictsTheContent() {
        UnpackException e = assertThrows(UnpackException.class,
                () -> read(TarBuilder.zstd(tar), "application/vnd.oci.image.layer.v1.tar+gzip"));
        assertTrue(e.getMessage().contains("looks like zstd"), e.getMessage());
    }

    private static byte[] read(byte[] blob, String mediaType) throws Exception {
        try (InputStream in = Compression.decompress(new ByteArrayInputStream(blob), mediaType)) {
            return in.readAllBytes();
        }
    }
}

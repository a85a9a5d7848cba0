package dev.jplay.runtime.unpack;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Layer blob compression: chosen by media type, checked (or, for unknown types, guessed) from magic bytes. */
public enum Compression {
    NONE, GZIP, ZSTD;

    private static final int BUFFER = 1 << 16;

    /**
     * The compression a layer media type declares, or {@code null} when the type says nothing usable (absent or
     * unknown to us), in which case the stream's magic bytes decide.
     *
     * @throws UnpackException for layer types with a compression we do not support (e.g. {@code +bzip2})
     */
    public static Compression forMediaType(String mediaType) throws UnpackException {
        if (mediaType == null || mediaType.isBlank()) {
            return null;
        }
        String type = mediaType.trim();
        if (type.endsWith("+gzip") || type.endsWith(".tar.gzip")) {
            return GZIP;
        }
        if (type.endsWith("+zstd") || type.endsWith(".tar.zstd")) {
            return ZSTD;
        }
        if (type.endsWith(".tar")) {
            return NONE;
        }
        if (type.contains(".tar+") || type.contains("layer.v1.tar")) {
            throw new UnpackException("unsupported layer compression in media type " + mediaType);
        }
        return null;
    }

    /** Identifies gzip and zstd by their magic numbers; anything else is taken as a plain tar. */
    static Compression sniff(byte[] head, int length) {
        if (length >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            return GZIP;
        }
        if (length >= 4 && (head[0] & 0xff) == 0x28 && (head[1] & 0xff) == 0xb5
                && (head[2] & 0xff) == 0x2f && (head[3] & 0xff) == 0xfd) {
            return ZSTD;
        }
        return NONE;
    }

    /**
     * Wraps {@code blob} in the decompressor for {@code mediaType}. A declared compression that contradicts the
     * magic bytes is an error (a mislabelled or corrupt blob); an unknown type falls back to sniffing.
     */
    public static InputStream decompress(InputStream blob, String mediaType) throws IOException {
        BufferedInputStream in = new BufferedInputStream(blob, BUFFER);
        in.mark(4);
        byte[] head = in.readNBytes(4);
        in.reset();
        Compression sniffed = sniff(head, head.length);
        Compression declared = forMediaType(mediaType);
        if (declared != null && declared != sniffed && !(declared == NONE && head.length == 0)) {
            throw new UnpackException("layer declared as " + mediaType + " but its content looks like "
                    + sniffed.name().toLowerCase() + (sniffed == NONE ? " (uncompressed tar)" : ""));
        }
        Compression chosen = declared != null ? declared : sniffed;
        return switch (chosen) {
            case GZIP -> new GZIPInputStream(in, BUFFER);
            case ZSTD -> new ZstdInputStream(in);
            case NONE -> in;
        };
    }
}

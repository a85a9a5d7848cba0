package dev.jplay.runtime.unpack;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Raw {@code SCHILY.xattr.*} values from an entry's PAX header blocks. commons-compress decodes PAX values as
 * UTF-8 strings, which mangles binary xattrs such as {@code security.capability}; the unpacker captures the
 * header bytes (bounded by the header window) and re-reads just these records here.
 */
final class PaxXattrs {
    private static final String PREFIX = "SCHILY.xattr.";
    private static final int BLOCK = 512;

    private PaxXattrs() {}

    /**
     * @param raw bytes the tar reader consumed while reading one entry's headers
     * @param rawStart stream offset of {@code raw[0]}; headers start at the next 512-byte boundary
     */
    static Map<String, byte[]> parse(byte[] raw, int length, long rawStart) {
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        int off = (int) ((BLOCK - rawStart % BLOCK) % BLOCK);
        while (off + BLOCK <= length) {
            byte type = raw[off + 156];
            long size = octal(raw, off + 124, 12);
            off += BLOCK;
            if (type != 'x' && type != 'L' && type != 'K') {
                break; // the entry's own header
            }
            if (type == 'x' && size >= 0 && off + size <= length) {
                records(raw, off, (int) size, xattrs);
            }
            off += (int) ((size + BLOCK - 1) / BLOCK * BLOCK);
        }
        return xattrs;
    }

    private static void records(byte[] raw, int start, int size, Map<String, byte[]> xattrs) {
        int pos = start;
        int end = start + size;
        while (pos < end) {
            int space = pos;
            int length = 0;
            while (space < end && raw[space] >= '0' && raw[space] <= '9') {
                length = length * 10 + (raw[space++] - '0');
            }
            if (space >= end || raw[space] != ' ' || length <= 0 || pos + length > end) {
                return; // malformed: commons-compress reports it
            }
            int recordEnd = pos + length - 1; // the trailing '\n'
            int equals = space + 1;
            while (equals < recordEnd && raw[equals] != '=') {
                equals++;
            }
            String key = new String(raw, space + 1, equals - space - 1, StandardCharsets.UTF_8);
            if (key.startsWith(PREFIX) && equals < recordEnd) {
                xattrs.put(key.substring(PREFIX.length()), Arrays.copyOfRange(raw, equals + 1, recordEnd));
            }
            pos += length;
        }
    }

    private static long octal(byte[] raw, int off, int len) {
        long value = 0;
        for (int i = off; i < off + len; i++) {
            byte b = raw[i];
            if (b == 0 || b == ' ') {
                if (value > 0) {
                    break;
                }
                continue;
            }
            if (b < '0' || b > '7') {
                return -1;
            }
            value = value * 8 + (b - '0');
        }
        return value;
    }
}

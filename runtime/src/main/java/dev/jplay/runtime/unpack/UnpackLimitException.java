package dev.jplay.runtime.unpack;

/**
 * A layer exceeded one of the {@link UnpackLimits} (a decompression bomb, a hostile tar, a disk about to fill).
 * {@link #code()} says which kind of bound; {@link #bytesWritten()} how far the layer got (uncompressed tar bytes,
 * an upper bound of what was written; -1 if unknown).
 */
public final class UnpackLimitException extends UnpackException {
    /** Entry count, total size or header size. */
    public static final String LIMIT = "UNPACK_LIMIT";
    /** Uncompressed bytes per compressed byte, past the floor. */
    public static final String EXPANSION = "UNPACK_EXPANSION_LIMIT";
    /** The filesystem's free space would fall below its reserve. */
    public static final String DISK_RESERVE = "UNPACK_DISK_RESERVE";

    private final String code;
    private final long bytesWritten;

    public UnpackLimitException(String message) {
        this(LIMIT, message, -1);
    }

    public UnpackLimitException(String code, String message, long bytesWritten) {
        super(message);
        this.code = code;
        this.bytesWritten = bytesWritten;
    }

    public String code() {
        return code;
    }

    public long bytesWritten() {
        return bytesWritten;
    }

    /** The same failure with {@code where} appended to the message and the byte count known at that point. */
    UnpackLimitException locate(String where, long bytes) {
        UnpackLimitException located = new UnpackLimitException(code, getMessage() + where,
                bytesWritten >= 0 ? bytesWritten : bytes);
        located.setStackTrace(getStackTrace());
        return located;
    }
}

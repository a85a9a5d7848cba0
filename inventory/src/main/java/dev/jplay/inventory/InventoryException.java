package dev.jplay.inventory;

/**
 * An inventory could not be read or is inconsistent. The message starts with where the problem is, e.g.
 * {@code inventory/hosts.yml:12:5: Invalid "hosts" entry for "web" group} (line and column are 1-based).
 */
public class InventoryException extends RuntimeException {
    public InventoryException(String message) {
        super(message);
    }

    public InventoryException(String message, Throwable cause) {
        super(message, cause);
    }

    /** {@code "file:line:col: message"}, the format used for every located error. */
    static InventoryException at(String file, int line, int column, String message) {
        return new InventoryException(file + ":" + line + ":" + column + ": " + message);
    }
}

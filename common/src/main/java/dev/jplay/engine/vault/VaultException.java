package dev.jplay.engine.vault;

/** A vault text that cannot be read: malformed, or no password opens it. The message never holds a password. */
public class VaultException extends RuntimeException {
    public VaultException(String message) {
        super(message);
    }
}

package dev.jplay.runtime.registry;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A registry username and password (or identity token used as password). */
public record Credentials(String username, String password) {
    public Credentials {
        if (username == null || password == null) throw new IllegalArgumentException("username and password are required");
    }

    public String basicHeader() {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credentials[" + username + ", password=***]";
    }
}

package dev.jplay.modules.service;

import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;

/** How a host starts, stops and enables services: systemd ({@link Systemd}) or SysV init scripts ({@link InitScripts}). */
interface ServiceManager {
    String id();

    /** Fails with {@code SERVICE_NOT_FOUND} when the host has no such service. */
    void requireExists(String name) throws ModuleException;

    boolean isActive(String name) throws ModuleException;

    boolean isEnabled(String name) throws ModuleException;

    /** {@code action}: start, stop, restart, reload. */
    void act(String name, String action) throws ModuleException;

    void setEnabled(String name, boolean enabled) throws ModuleException;

    void daemonReload() throws ModuleException;

    /** Masked (systemd only: {@code systemctl mask} links the unit to /dev/null so nothing can start it). */
    default boolean isMasked(String name) throws ModuleException {
        throw noMasking();
    }

    default void setMasked(String name, boolean masked) throws ModuleException {
        throw noMasking();
    }

    private ModuleException noMasking() {
        return new ModuleException(Step.EXEC, "SERVICE_NO_SYSTEMD", "masked needs systemd; this host's services are "
                + id() + " (no /run/systemd/system)");
    }
}

package dev.jplay.modules.service;

import dev.jplay.modules.ModuleException;

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
}

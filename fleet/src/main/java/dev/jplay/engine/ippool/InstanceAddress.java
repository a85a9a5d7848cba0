package dev.jplay.engine.ippool;

/** What one instance's interface is configured with. */
public record InstanceAddress(IpAddress ip, int prefixLength, IpAddress gateway) {}

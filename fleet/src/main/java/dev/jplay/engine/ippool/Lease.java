package dev.jplay.engine.ippool;

/** An address an instance held on a host in an earlier run (from the fleet state). */
public record Lease(String host, IpAddress ip) {}

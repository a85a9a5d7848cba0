/**
 * Developer tools behind the hidden {@code jplay dev} command: a reproducible busybox web-server image and a minimal
 * registry push, for the quickstart and for tests that need a real image in a real registry.
 */
package dev.jplay.engine.devimage;

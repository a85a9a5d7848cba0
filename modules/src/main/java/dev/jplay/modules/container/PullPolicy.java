package dev.jplay.modules.container;

import dev.jplay.modules.ModuleException;
import dev.jplay.protocol.Step;
import java.util.Locale;

/** Ansible {@code pull}: when to ask the registry. */
enum PullPolicy {
    /** Only when the image is not complete locally (no network otherwise). */
    MISSING,
    /** Every run: one manifest request, and downloads only if the reference moved. */
    ALWAYS,
    /** Never: fail if the image is not here. */
    NEVER;

    static PullPolicy parse(String value) throws ModuleException {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "pull must be missing, always or never, got '" + value + "'");
        }
    }
}

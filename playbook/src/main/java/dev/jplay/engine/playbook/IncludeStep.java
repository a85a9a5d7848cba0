package dev.jplay.engine.playbook;

import dev.jplay.engine.yaml.Location;
import java.nio.file.Path;

/** One dynamic include on the way to a task: the file it read and where it was included (for cycles and messages). */
public record IncludeStep(Path file, Location includedAt) {}

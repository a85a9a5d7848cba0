package dev.jplay.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.jplay.protocol.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessArgsTest {
    private static final ImageConfig IMAGE = new ImageConfig(List.of("/entry.sh"), List.of("serve", "--port", "80"),
            List.of("PATH=/app/bin", "MODE=prod", "EMPTY="), "/app", "app");

    private static List<String> argv(ContainerSpec.Builder spec, ImageConfig image) {
        return ProcessArgs.argv(spec.build(), image);
    }

    @Test
    void imageEntrypointAndCmdWhenTaskGivesNeither() {
        assertEquals(List.of("/entry.sh", "serve", "--port", "80"), argv(ContainerSpec.builder("c"), IMAGE));
    }

    @Test
    void commandReplacesCmdOnly() {
        assertEquals(List.of("/entry.sh", "migrate"), argv(ContainerSpec.builder("c").command("migrate"), IMAGE));
    }

    @Test
    void entrypointReplacesEntrypointAndDropsImageCmd() {
        assertEquals(List.of("/bin/sh"), argv(ContainerSpec.builder("c").entrypoint("/bin/sh"), IMAGE));
    }

    @Test
    void entrypointAndCommandTogether() {
        assertEquals(List.of("/bin/sh", "-c", "date"), argv(ContainerSpec.builder("c").entrypoint("/bin/sh").command("-c", "date"), IMAGE));
    }

    @Test
    void emptyEntrypointClearsItLikeDockerEntrypointEmptyString() {
        assertEquals(List.of("ls"), argv(ContainerSpec.builder("c").entrypoint(List.of()).command("ls"), IMAGE));
    }

    @Test
    void cmdOnlyImage() {
        assertEquals(List.of("sh"), argv(ContainerSpec.builder("c"), new ImageConfig(null, List.of("sh"), null, null, null)));
    }

    @Test
    void nothingToRunIsASpecError() {
        LaunchException e = assertThrows(LaunchException.class,
                () -> argv(ContainerSpec.builder("c").entrypoint(List.of()), IMAGE));
        assertEquals("NO_COMMAND", e.code());
        assertEquals(Step.ARGS, e.step());
    }

    @Test
    void taskEnvOverridesImageEnvAndKeepsOrder() {
        List<String> env = ProcessArgs.env(ContainerSpec.builder("c").env("MODE", "dev").env("EXTRA", "1").build(), IMAGE);
        assertEquals(List.of("PATH=/app/bin", "MODE=dev", "EMPTY=", "EXTRA=1", "HOSTNAME=c"), env);
    }

    @Test
    void pathDefaultsWhenNobodySetsIt() {
        List<String> env = ProcessArgs.env(ContainerSpec.builder("c").build(), ImageConfig.EMPTY);
        assertEquals(List.of("PATH=" + ProcessArgs.DEFAULT_PATH, "HOSTNAME=c"), env);
    }

    @Test
    void workingDirAndUserPrecedence() {
        assertEquals("/app", ProcessArgs.workingDir(ContainerSpec.builder("c").build(), IMAGE));
        assertEquals("/tmp", ProcessArgs.workingDir(ContainerSpec.builder("c").workingDir("/tmp").build(), IMAGE));
        assertEquals("/", ProcessArgs.workingDir(ContainerSpec.builder("c").build(), ImageConfig.EMPTY));
        assertEquals("app", ProcessArgs.user(ContainerSpec.builder("c").build(), IMAGE));
        assertEquals("0:0", ProcessArgs.user(ContainerSpec.builder("c").user("0:0").build(), IMAGE));
    }
}

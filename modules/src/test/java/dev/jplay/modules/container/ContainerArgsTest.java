package dev.jplay.modules.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jplay.modules.Contexts;
import dev.jplay.modules.ModuleException;
import dev.jplay.runtime.launch.BindMount;
import dev.jplay.runtime.launch.ContainerSpec;
import dev.jplay.runtime.launch.NetworkMode;
import dev.jplay.runtime.launch.RestartPolicy;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerArgsTest {

    @Test
    void logDriverAndOptionsAsDockerContainerNamesThem() throws Exception {
        ContainerSpec defaults = ContainerArgs.spec(Contexts.args("container", "name", "web"));
        assertEquals(dev.jplay.runtime.launch.LogConfig.DEFAULT, defaults.log(), "capped by default");
        ContainerSpec spec = ContainerArgs.spec(Contexts.args("container", "name", "web", "log_driver", "json-file",
                "log_options", Map.of("max-size", "20m", "max-file", 5)));
        assertEquals(20L << 20, spec.log().maxSize());
        assertEquals(5, spec.log().maxFile());
        ModuleException other = assertThrows(ModuleException.class,
                () -> ContainerArgs.spec(Contexts.args("container", "name", "web", "log_driver", "syslog")));
        assertEquals("BAD_LOG_DRIVER", other.code());
        assertTrue(other.getMessage().contains("json-file"), other.getMessage());
        assertEquals("BAD_LOG_OPTION", assertThrows(ModuleException.class, () -> ContainerArgs.spec(Contexts.args("container",
                "name", "web", "log_options", Map.of("max-size", "-1")))).code());
    }

    @Test
    void ansibleArgumentsBecomeTheSpec() throws Exception {
        ContainerSpec spec = ContainerArgs.spec(Contexts.args("container",
                "name", "web", "command", "httpd -f -p '80 81'", "entrypoint", List.of("/bin/sh", "-c"),
                "env", Map.of("PORT", 8080, "DEBUG", true), "volumes", List.of("/srv/www:/www:ro", "/var/log/web:/logs"),
                "mounts", List.of(Map.of("type", "bind", "source", "/etc/ssl", "target", "/ssl", "read_only", true)),
                "hostname", "web1", "memory", "64m", "cpus", 1.5, "read_only", "yes", "user", "65534:65534",
                "working_dir", "/www", "restart_policy", "on-failure", "restart_retries", 3, "network_mode", "host",
                "stop_timeout", "4"));
        assertEquals(List.of("httpd", "-f", "-p", "80 81"), spec.command());
        assertEquals(List.of("/bin/sh", "-c"), spec.entrypoint());
        assertEquals(Map.of("PORT", "8080", "DEBUG", "true"), spec.env());
        assertEquals(List.of(new BindMount("/etc/ssl", "/ssl", true), new BindMount("/srv/www", "/www", true),
                new BindMount("/var/log/web", "/logs", false)), spec.mounts());
        assertEquals("web1", spec.hostname());
        assertEquals("64m", spec.memory());
        assertEquals(1.5, spec.cpus());
        assertTrue(spec.readOnly());
        assertEquals("65534:65534", spec.user());
        assertEquals("/www", spec.workingDir());
        assertEquals(RestartPolicy.ON_FAILURE, spec.restartPolicy());
        assertEquals(3, spec.restartRetries());
        assertEquals(NetworkMode.HOST, spec.networkMode());
        assertEquals(4, spec.stopTimeout());
    }

    @Test
    void unsetCommandLeavesTheImageDefaults() throws Exception {
        ContainerSpec spec = ContainerArgs.spec(Contexts.args("container", "name", "web"));
        assertNull(spec.command());
        assertNull(spec.entrypoint());
        assertEquals(NetworkMode.NONE, spec.networkMode());
        assertEquals(RestartPolicy.NO, spec.restartPolicy());
    }

    @Test
    void badValuesFailAtArgsWithTheRuntimeCode() {
        assertFailure("BAD_MEMORY", "name", "web", "memory", "1k");
        assertFailure("BAD_RESTART_POLICY", "name", "web", "restart_policy", "sometimes");
        assertFailure("BAD_MOUNT", "name", "web", "volumes", List.of("relative:/x"));
        assertFailure("ARG_VALUE", "name", "web", "volumes", List.of("/a:/b:rx"));
        assertFailure("ARG_VALUE", "name", "web", "mounts", List.of(Map.of("type", "volume", "source", "/a", "target", "/b")));
        assertFailure("BAD_NAME", "name", "no/slashes");
        assertFailure("ARG_MISSING", "image", "x");
    }

    private static void assertFailure(String code, Object... args) {
        ModuleException e = assertThrows(ModuleException.class, () -> ContainerArgs.spec(Contexts.args("container", args)));
        assertEquals("args", e.step().id());
        assertEquals(code, e.code(), e::getMessage);
    }

    @Test
    void moduleRejectsUnknownArgumentsAndStatesBeforeTouchingTheHost() throws Exception {
        ModuleException unknown = assertThrows(ModuleException.class, () -> new ContainerModule().run(
                Contexts.args("container", "name", "web", "image", "busybox", "exposed_ports", List.of("80")), Contexts.check()));
        assertEquals("ARG_UNKNOWN", unknown.code());
        ModuleException state = assertThrows(ModuleException.class, () -> new ContainerModule().run(
                Contexts.args("container", "name", "web", "image", "busybox", "state", "running"), Contexts.check()));
        assertEquals("ARG_VALUE", state.code());
        ModuleException pull = assertThrows(ModuleException.class, () -> new ImageModule().run(
                Contexts.args("image", "state", "present"), Contexts.check()));
        assertEquals("ARG_MISSING", pull.code());
        assertEquals(PullPolicy.NEVER, PullPolicy.parse(" Never "));
        assertEquals("ARG_VALUE", assertThrows(ModuleException.class, () -> PullPolicy.parse("sometimes")).code());
    }
}

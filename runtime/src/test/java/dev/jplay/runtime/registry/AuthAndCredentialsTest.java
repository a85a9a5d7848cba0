package dev.jplay.runtime.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthAndCredentialsTest {
    @TempDir Path dir;

    @Test
    void parsesABearerChallengeWithACommaInTheScope() {
        AuthChallenge c = AuthChallenge.parse("Bearer realm=\"https://auth.example/token\",service=\"registry.example\","
                + "scope=\"repository:a/b:pull,push\"").orElseThrow();
        assertEquals("bearer", c.scheme());
        assertEquals("https://auth.example/token", c.param("realm"));
        assertEquals("registry.example", c.param("service"));
        assertEquals("repository:a/b:pull,push", c.param("scope"));
    }

    @Test
    void parsesBasicAndRejectsEmpty() {
        assertEquals("basic", AuthChallenge.parse("Basic realm=\"x\"").orElseThrow().scheme());
        assertTrue(AuthChallenge.parse("  ").isEmpty());
    }

    @Test
    void readsDockerConfigAuthsInBothForms() throws Exception {
        String auth = Base64.getEncoder().encodeToString("bob:pa:ss".getBytes(StandardCharsets.UTF_8));
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"auths\":{"
                + "\"https://index.docker.io/v1/\":{\"auth\":\"" + auth + "\"},"
                + "\"registry.local:5000\":{\"username\":\"carol\",\"password\":\"secret\"},"
                + "\"helper.example\":{}},"
                + "\"credsStore\":\"desktop\"}");
        DockerConfigCredentials credentials = DockerConfigCredentials.load(config);
        assertEquals(Optional.of(new Credentials("bob", "pa:ss")), credentials.credentialsFor("docker.io"));
        assertEquals(Optional.of(new Credentials("carol", "secret")), credentials.credentialsFor("registry.local:5000"));
        assertEquals(Optional.empty(), credentials.credentialsFor("helper.example"));
        assertTrue(new Credentials("u", "p").toString().contains("***"), "password never printed");
    }
}

package dev.jplay.modules.packages;

import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.http.HttpRequests;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

/**
 * apt's {@code deb}: a .deb file on the host, or an http(s) URL the host downloads first (as Ansible's fetch_file, into
 * a temp file deleted when closed; also in check mode, whose simulation needs the file).
 */
record LocalDeb(Path path, boolean downloaded) implements AutoCloseable {
    /** Each read of a download, as get_url's default; the whole transfer is bounded by the task's deadline. */
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    static LocalDeb resolve(String deb, ModuleContext ctx) throws ModuleException {
        if (!deb.contains("://")) {
            Path p = Path.of(deb).toAbsolutePath(); // apt-get takes a file for a .deb only with a '/' in its name
            if (!Files.isRegularFile(p)) {
                throw new ModuleException(Step.EXEC, "PATH_MISSING", "apt: deb " + p + " is not a file on this host")
                        .detail("path", p.toString());
            }
            return new LocalDeb(p, false);
        }
        URI url;
        try {
            url = new URI(deb);
        } catch (URISyntaxException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "apt: deb is not a path or a URL: " + e.getMessage());
        }
        if (!"http".equalsIgnoreCase(url.getScheme()) && !"https".equalsIgnoreCase(url.getScheme())) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "apt: deb must be a path on the host or an http(s) URL, got '" + deb + "'");
        }
        ctx.activity().now(Step.EXEC, "downloading " + url);
        Path temp = null;
        try (HttpRequests.Exchange response = HttpRequests.send("apt", url, "GET", Map.of(), null, READ_TIMEOUT, null)) {
            if (response.status() != 200) {
                throw new ModuleException(Step.EXEC, "HTTP_STATUS", "apt: GET " + url + " answered " + response.status()
                        + ", not 200").detail("status", response.status()).detail("url", url.toString());
            }
            temp = Files.createTempFile("jplay-apt-", ".deb");
            try (InputStream body = response.body()) {
                Files.copy(body, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            return new LocalDeb(temp, true);
        } catch (IOException e) {
            if (temp != null) temp.toFile().delete();
            throw new ModuleException(Step.EXEC, "GET_URL_FAILED", "apt: cannot download " + url + ": " + e, e);
        }
    }

    @Override
    public void close() {
        if (downloaded) path.toFile().delete();
    }
}

package dev.jplay.inventory.plugins;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jplay.inventory.AnsibleListing;
import dev.jplay.inventory.InventoryBuilder;
import dev.jplay.inventory.InventoryException;
import dev.jplay.inventory.InventoryPlugin;
import dev.jplay.inventory.InventorySource;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code plugin: jplay.http}: an inventory served as JSON in the shape of Ansible's {@code --list} output
 * (groups with {@code hosts}/{@code children}/{@code vars}, plus {@code _meta.hostvars}).
 * <pre>
 * plugin: jplay.http
 * url: https://cmdb.example.com/inventory
 * headers: {Authorization: "Bearer ..."}
 * timeout: 10s          # connect and whole response; default 10s
 * cache_ttl: 60s        # default 0 = no cache; see SourceCache
 * cache_dir: /path      # default ~/.cache/jplay/inventory
 * </pre>
 * A non-2xx status, an unreadable body or a timeout is an {@link InventoryException} naming the file and the URL.
 */
public final class HttpPlugin implements InventoryPlugin {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String name() {
        return "jplay.http";
    }

    @Override
    public InventorySource open(Path configFile, Map<String, Object> values) {
        PluginConfig config = new PluginConfig(configFile, values, Set.of("url", "headers", "timeout", "cache_ttl", "cache_dir"));
        URI url;
        try {
            url = URI.create(config.requiredString("url"));
        } catch (IllegalArgumentException e) {
            throw config.error("'url' is not a valid URL: " + e.getMessage(), e);
        }
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) throw config.error("'url' must be http or https: " + url);
        Map<String, Object> headers = config.map("headers");
        Duration timeout = config.duration("timeout", Duration.ofSeconds(10));
        Duration ttl = config.duration("cache_ttl", Duration.ZERO);
        String cacheDir = config.string("cache_dir", null);
        SourceCache cache = new SourceCache(cacheDir == null ? SourceCache.defaultDirectory() : Path.of(cacheDir), Clock.systemUTC());
        String origin = configFile + ": " + name() + " " + url;
        return new InventorySource() {
            @Override
            public String origin() {
                return origin;
            }

            @Override
            public Optional<Path> varsDirectory() {
                return Optional.ofNullable(configFile.toAbsolutePath().getParent());
            }

            @Override
            public void populate(InventoryBuilder inventory) {
                Path entry = cache.fileFor(configFile.toAbsolutePath().toString(), values);
                Map<String, Object> listing = cache.get(entry, ttl, () -> fetch(origin, url, headers, timeout), inventory::warn);
                new AnsibleListing(origin).populate(inventory, listing, host -> Map.of());
            }
        };
    }

    private static Map<String, Object> fetch(String origin, URI url, Map<String, Object> headers, Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(timeout).header("Accept", "application/json").GET();
        headers.forEach((k, v) -> request.header(k, String.valueOf(v)));
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new InventoryException(origin + ": no answer within " + timeout.toMillis() + " ms", e);
        } catch (IOException e) {
            throw new InventoryException(origin + ": request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InventoryException(origin + ": interrupted", e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new InventoryException(origin + ": HTTP " + response.statusCode() + ": " + abbreviate(response.body()));
        }
        try {
            Object parsed = JSON.readValue(response.body(), Object.class);
            if (!(parsed instanceof Map<?, ?>)) throw new InventoryException(origin + ": the response must be a JSON object, got: " + abbreviate(response.body()));
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) parsed;
            return map;
        } catch (JsonProcessingException e) {
            throw new InventoryException(origin + ": the response is not valid JSON: " + e.getOriginalMessage()
                    + " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
    }

    private static String abbreviate(String body) {
        String s = body.strip();
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}

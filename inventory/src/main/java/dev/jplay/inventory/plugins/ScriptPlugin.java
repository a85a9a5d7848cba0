package dev.jplay.inventory.plugins;

import dev.jplay.inventory.AnsibleListing;
import dev.jplay.inventory.InventoryBuilder;
import dev.jplay.inventory.InventoryException;
import dev.jplay.inventory.InventoryPlugin;
import dev.jplay.inventory.InventorySource;
import dev.jplay.inventory.ScriptInventorySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code plugin: jplay.script}: an executable inventory script (Ansible's {@code --list}/{@code --host}
 * protocol, see {@link ScriptInventorySource}) whose output is cached, for slow scripts.
 * <pre>
 * plugin: jplay.script
 * path: ./cmdb.py       # relative to this file
 * cache_ttl: 5m         # default 0 = no cache; see SourceCache
 * cache_dir: /path      # default ~/.cache/jplay/inventory
 * </pre>
 */
public final class ScriptPlugin implements InventoryPlugin {
    @Override
    public String name() {
        return "jplay.script";
    }

    @Override
    public InventorySource open(Path configFile, Map<String, Object> values) {
        PluginConfig config = new PluginConfig(configFile, values, Set.of("path", "cache_ttl", "cache_dir"));
        Path base = configFile.toAbsolutePath().getParent();
        Path script = base.resolve(config.requiredString("path")).normalize();
        if (!Files.isRegularFile(script) || !Files.isExecutable(script)) throw config.error("'path' is no executable file: " + script);
        Duration ttl = config.duration("cache_ttl", Duration.ZERO);
        String cacheDir = config.string("cache_dir", null);
        SourceCache cache = new SourceCache(cacheDir == null ? SourceCache.defaultDirectory() : Path.of(cacheDir), Clock.systemUTC());
        ScriptInventorySource source = new ScriptInventorySource(script);
        return new InventorySource() {
            @Override
            public String origin() {
                return configFile + ": " + name() + " " + script;
            }

            @Override
            public Optional<Path> varsDirectory() {
                return Optional.ofNullable(base);
            }

            @Override
            public void populate(InventoryBuilder inventory) {
                Path entry = cache.fileFor(configFile.toAbsolutePath() + "\n" + script, values);
                Map<String, Object> listing = cache.get(entry, ttl, () -> {
                    try {
                        return source.listing();
                    } catch (InventoryException e) {
                        throw config.error(e.getMessage(), e);
                    }
                }, inventory::warn);
                new AnsibleListing(origin()).populate(inventory, listing, host -> Map.of());
            }
        };
    }
}

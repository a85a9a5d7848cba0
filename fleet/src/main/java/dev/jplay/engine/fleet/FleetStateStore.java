package dev.jplay.engine.fleet;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jplay.io.AtomicFiles.Option;
import dev.jplay.io.AtomicFiles;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads and writes {@link FleetState} files, one per app, in a directory ({@link #locate}: beside the playbook).
 * Writes are atomic: a temporary file in the same directory, flushed to disk, then renamed over the old file, so
 * a crash leaves either the old or the new state, never a torn one.
 */
public final class FleetStateStore {
    public static final Path DEFAULT_DIR = Path.of(".jplay", "state");
    /** The environment variable naming jplay's state directory; fleet state is its {@code state} subdirectory. */
    public static final String ENV = JplayDir.ENV;
    /** App names become file and instance names: letters, digits, '.', '_', '-'. */
    public static final Pattern APP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path dir;

    public FleetStateStore(Path dir) {
        this.dir = dir;
    }

    /**
     * Where a playbook's fleet state lives: {@code --state-dir} when given, else {@code $JPLAY_STATE_DIR/state}, else
     * {@code .jplay/state} in the playbook's directory. Never the working directory as such: the same playbook run
     * from another directory (a CI checkout, an operator's home) finds the same placements and leases.
     */
    public static Path locate(Path option, Path playbook, Map<String, String> env) {
        return option != null ? option : JplayDir.locate(playbook, env).resolve("state");
    }

    public Path dir() {
        return dir;
    }

    public Path fileOf(String app) {
        if (!APP_NAME.matcher(app).matches()) throw new FleetStateException("app name '" + app + "' may only hold letters, digits, '.', '_' and '-'");
        return dir.resolve(app + ".json");
    }

    public Optional<FleetState> load(String app) {
        Path file = fileOf(app);
        if (!Files.isRegularFile(file)) return Optional.empty();
        return Optional.of(read(file));
    }

    /** Every app's state in the directory, by app name (empty when the directory does not exist). */
    public Map<String, FleetState> loadAll() {
        Map<String, FleetState> out = new TreeMap<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path f : files) {
                FleetState s = read(f);
                out.put(s.app(), s);
            }
        } catch (IOException e) {
            throw new FleetStateException("cannot list fleet state directory " + dir + ": " + e, e);
        }
        return out;
    }

    public void save(FleetState state) {
        Path file = fileOf(state.app());
        try {
            Files.createDirectories(dir);
            AtomicFiles.write(file, JSON.writeValueAsBytes(state), Option.SYNC_FILE, Option.OWNER_ONLY);
        } catch (IOException e) {
            throw new FleetStateException("cannot write fleet state " + file + ": " + e, e);
        }
    }

    private static FleetState read(Path file) {
        FleetState state;
        try {
            state = JSON.readValue(file.toFile(), FleetState.class);
        } catch (IOException e) {
            throw new FleetStateException("cannot read fleet state " + file + ": " + e.getMessage(), e);
        }
        if (state.version() != FleetState.VERSION) {
            throw new FleetStateException("fleet state " + file + " has version " + state.version() + "; this jplay reads version " + FleetState.VERSION);
        }
        if (state.app() == null) throw new FleetStateException("fleet state " + file + " names no app");
        return state;
    }
}

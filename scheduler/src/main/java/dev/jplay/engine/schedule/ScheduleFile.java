package dev.jplay.engine.schedule;

import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import dev.jplay.engine.yaml.YamlLoader;
import dev.jplay.engine.yaml.YamlMapping;
import dev.jplay.engine.yaml.YamlNode;
import dev.jplay.engine.yaml.YamlScalar;
import dev.jplay.engine.yaml.YamlSequence;
import dev.jplay.io.AtomicFiles.Option;
import dev.jplay.io.AtomicFiles;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Reads and writes the schedules file ({@code .jplay/schedules.yml}). Every problem is reported at its
 * file:line:col; writes replace the file atomically, so a crash leaves the old file or the new one.
 *
 * <pre>
 * schedules:
 *   - name: web-weekly
 *     playbook: /srv/ops/deploy.yml
 *     inventory: [/srv/ops/hosts.ini]
 *     extra_vars: {version: "1.4.2"}
 *     cron: "0 2 * * sat"            # Unix 5 fields
 *     zone: Europe/Berlin            # IANA id; cron and window are read in it
 *     window: {days: [sat, sun], start: "01:00", end: "05:00"}
 *     expected_batch: 10m
 *     missed: run_once               # or skip (default)
 *     notify: {url: "https://hooks.example/jplay", when: failure, attempts: 4}
 *     created: "2026-01-01T00:00:00Z"
 * </pre>
 */
public final class ScheduleFile {
    public static final Path DEFAULT = Path.of(".jplay", "schedules.yml");

    private static final Set<String> KEYS = Set.of("name", "playbook", "inventory", "extra_vars", "cron", "zone", "window",
            "expected_batch", "missed", "notify", "created");
    private static final Set<String> WINDOW_KEYS = Set.of("days", "start", "end");
    private static final Set<String> NOTIFY_KEYS = Set.of("url", "when", "attempts");

    private ScheduleFile() {}

    /** The schedules in {@code file}; none when it does not exist. */
    public static List<Schedule> load(Path file) throws IOException {
        if (!Files.exists(file)) return List.of();
        YamlNode root = new YamlLoader().load(file);
        if (root instanceof YamlScalar s && s.isNull()) return List.of();
        YamlMapping top = mapping(root, "the schedules file");
        for (YamlMapping.Entry e : top.entries()) {
            if (!e.key().equals("schedules")) throw new PlaybookException(e.keyLocation(), "unknown key '" + e.key() + "' (expected 'schedules')");
        }
        YamlNode list = top.get("schedules");
        if (list == null || (list instanceof YamlScalar s && s.isNull())) return List.of();
        if (!(list instanceof YamlSequence seq)) throw new PlaybookException(list.location(), "schedules must be a list, got " + list.describe());
        List<Schedule> out = new ArrayList<>();
        Map<String, Location> seen = new LinkedHashMap<>();
        for (YamlNode item : seq.items()) {
            Schedule s = schedule(mapping(item, "a schedule"));
            Location first = seen.putIfAbsent(s.name(), item.location());
            if (first != null) {
                throw new PlaybookException(item.location(), "duplicate schedule name '" + s.name() + "' (first at "
                        + first.line() + ":" + first.column() + ")");
            }
            out.add(s);
        }
        return out;
    }

    private static Schedule schedule(YamlMapping m) {
        for (YamlMapping.Entry e : m.entries()) {
            if (!KEYS.contains(e.key())) throw new PlaybookException(e.keyLocation(), "unknown schedule key '" + e.key() + "' (known: " + String.join(", ", new java.util.TreeSet<>(KEYS)) + ")");
        }
        String name = string(m, "name", true);
        ZoneId zone = located(m, "zone", () -> ZoneId.of(string(m, "zone", true)));
        CronTrigger cron = located(m, "cron", () -> CronTrigger.parse(string(m, "cron", true), zone));
        MaintenanceWindow window = m.has("window") ? window(mapping(m.get("window"), "window"), zone) : null;
        MissedRunPolicy missed = m.has("missed") ? located(m, "missed", () -> MissedRunPolicy.parse(string(m, "missed", true))) : MissedRunPolicy.SKIP;
        Duration expected = m.has("expected_batch") ? located(m, "expected_batch", () -> Durations.parse(string(m, "expected_batch", true))) : null;
        WebhookSettings notify = m.has("notify") ? notify(mapping(m.get("notify"), "notify")) : null;
        Instant created = m.has("created") ? located(m, "created", () -> Instant.parse(string(m, "created", true))) : Instant.EPOCH;
        Map<String, Object> extra = new LinkedHashMap<>();
        if (m.has("extra_vars")) extra.putAll(mapping(m.get("extra_vars"), "extra_vars").toJava());
        List<String> inventory = strings(m, "inventory");
        try {
            return new Schedule(name, string(m, "playbook", true), inventory, extra, cron, window, missed, expected, notify, created);
        } catch (IllegalArgumentException e) {
            throw new PlaybookException(m.location(), e.getMessage());
        }
    }

    private static MaintenanceWindow window(YamlMapping w, ZoneId zone) {
        for (YamlMapping.Entry e : w.entries()) {
            if (!WINDOW_KEYS.contains(e.key())) throw new PlaybookException(e.keyLocation(), "unknown window key '" + e.key() + "' (known: days, start, end)");
        }
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        YamlNode d = w.get("days");
        if (d == null) throw new PlaybookException(w.location(), "window: days is required");
        List<YamlNode> items = d instanceof YamlSequence s ? s.items() : List.of(d);
        for (YamlNode item : items) {
            if (!(item instanceof YamlScalar sc) || !(sc.value() instanceof String str)) {
                throw new PlaybookException(item.location(), "window days must be day names like sat, got " + item.describe());
            }
            try {
                days.add(MaintenanceWindow.parseDay(str));
            } catch (IllegalArgumentException e) {
                throw new PlaybookException(item.location(), e.getMessage());
            }
        }
        var start = located(w, "start", () -> MaintenanceWindow.parseTime(time(w, "start")));
        var end = located(w, "end", () -> MaintenanceWindow.parseTime(time(w, "end")));
        try {
            return new MaintenanceWindow(days, start, end, zone);
        } catch (IllegalArgumentException e) {
            throw new PlaybookException(w.location(), e.getMessage());
        }
    }

    /** Unquoted {@code 1:30} is the YAML 1.1 integer 90: ask for quotes instead of guessing. */
    private static String time(YamlMapping w, String key) {
        YamlNode n = w.get(key);
        if (n instanceof YamlScalar s && !(s.value() instanceof String) && s.value() != null) {
            throw new PlaybookException(n.location(), "window " + key + " must be a quoted time like \"01:00\", got " + n.describe());
        }
        return string(w, key, true);
    }

    private static WebhookSettings notify(YamlMapping n) {
        for (YamlMapping.Entry e : n.entries()) {
            if (!NOTIFY_KEYS.contains(e.key())) throw new PlaybookException(e.keyLocation(), "unknown notify key '" + e.key() + "' (known: url, when, attempts)");
        }
        URI url = located(n, "url", () -> {
            try {
                return new URI(string(n, "url", true));
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("not a URL: " + e.getMessage());
            }
        });
        WebhookSettings.When when = n.has("when") ? located(n, "when", () -> WebhookSettings.When.parse(string(n, "when", true))) : WebhookSettings.When.FAILURE;
        int attempts = 4;
        if (n.has("attempts")) {
            YamlNode a = n.get("attempts");
            if (!(a instanceof YamlScalar s) || !(s.value() instanceof Integer i)) throw new PlaybookException(a.location(), "attempts must be an integer, got " + a.describe());
            attempts = i;
        }
        int tries = attempts;
        return located(n, "url", () -> new WebhookSettings(url, when, tries));
    }

    private interface Parse<T> {
        T get();
    }

    /** Runs a parse and turns its complaint into one located at the value of {@code key}. */
    private static <T> T located(YamlMapping m, String key, Parse<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException | DateTimeException e) {
            YamlNode v = m.get(key);
            String what = e instanceof DateTimeParseException ? "'" + ((DateTimeParseException) e).getParsedString() + "' is not an instant like 2026-01-01T00:00:00Z"
                    : e.getMessage();
            throw new PlaybookException(v == null ? m.location() : v.location(), key + ": " + what);
        }
    }

    private static YamlMapping mapping(YamlNode n, String what) {
        if (n instanceof YamlMapping m) return m;
        throw new PlaybookException(n.location(), what + " must be a mapping, got " + n.describe());
    }

    private static String string(YamlMapping m, String key, boolean required) {
        YamlNode n = m.get(key);
        if (n == null || (n instanceof YamlScalar s && s.isNull())) {
            if (required) throw new PlaybookException(m.location(), "'" + key + "' is required");
            return null;
        }
        if (n instanceof YamlScalar s && (s.value() instanceof String || s.value() instanceof Number)) return String.valueOf(s.value());
        throw new PlaybookException(n.location(), key + " must be a string, got " + n.describe());
    }

    private static List<String> strings(YamlMapping m, String key) {
        YamlNode n = m.get(key);
        if (n == null) throw new PlaybookException(m.location(), "'" + key + "' is required");
        List<YamlNode> items = n instanceof YamlSequence s ? s.items() : List.of(n);
        List<String> out = new ArrayList<>();
        for (YamlNode item : items) {
            if (!(item instanceof YamlScalar s) || !(s.value() instanceof String str) || str.isBlank()) {
                throw new PlaybookException(item.location(), key + " entries must be non-empty strings, got " + item.describe());
            }
            out.add(str);
        }
        return out;
    }

    /** Replaces {@code file} with {@code schedules}, atomically. */
    public static void save(Path file, List<Schedule> schedules) throws IOException {
        List<Object> list = new ArrayList<>();
        for (Schedule s : schedules) list.add(toYaml(s));
        Map<String, Object> top = new LinkedHashMap<>();
        top.put("schedules", list);
        DumperOptions o = new DumperOptions();
        o.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        o.setIndent(2);
        o.setIndicatorIndent(2);
        o.setIndentWithIndicator(true);
        o.setWidth(120);
        String text = "# jplay schedules: edit with `jplay schedule add|remove`, or by hand (see docs/scheduling.md).\n"
                + new Yaml(o).dump(top);
        // Crash-safe: temp file, fsync, rename, then fsync of the directory so the rename lasts.
        AtomicFiles.write(file, text.getBytes(StandardCharsets.UTF_8), Option.CREATE_DIRECTORIES, Option.SYNC_FILE,
                Option.SYNC_DIRECTORY, Option.OWNER_ONLY);
    }

    static Map<String, Object> toYaml(Schedule s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("playbook", s.playbook());
        m.put("inventory", s.inventory());
        if (!s.extraVars().isEmpty()) m.put("extra_vars", new LinkedHashMap<>(s.extraVars()));
        m.put("cron", s.cron().expression());
        m.put("zone", s.zone().getId());
        if (s.window() != null) {
            Map<String, Object> w = new LinkedHashMap<>();
            Set<String> days = new LinkedHashSet<>();
            s.window().days().stream().sorted().forEach(d -> days.add(MaintenanceWindow.dayName(d)));
            w.put("days", new ArrayList<>(days));
            w.put("start", s.window().start().toString());
            w.put("end", s.window().end().toString());
            m.put("window", w);
        }
        if (s.expectedBatch() != null) m.put("expected_batch", Durations.format(s.expectedBatch()));
        m.put("missed", s.missed().yamlName());
        if (s.webhook() != null) {
            Map<String, Object> n = new LinkedHashMap<>();
            n.put("url", s.webhook().url().toString());
            n.put("when", s.webhook().when().yamlName());
            n.put("attempts", s.webhook().attempts());
            m.put("notify", n);
        }
        m.put("created", s.created().toString());
        return m;
    }
}

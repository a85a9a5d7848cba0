package dev.jplay.modules;

import dev.jplay.protocol.ModuleDeadlines;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class ModuleDeadlinesTest {
    private static final Pattern ROW = Pattern.compile("^\\| (`[^|]+`(?: \\(and `template`\\))?) \\| (\\d+) (s|min|h) \\|");
    private static final Pattern NAME = Pattern.compile("`([a-z_]+)`");

    /** docs/deadlines.md is what users read: its table must be the code's. */
    @Test
    void documentedTableIsTheCodes() throws Exception {
        Map<String, Duration> documented = new TreeMap<>();
        for (String line : Files.readAllLines(Path.of("../docs/deadlines.md"))) {
            Matcher row = ROW.matcher(line);
            if (!row.find()) continue;
            long n = Long.parseLong(row.group(2));
            Duration d = switch (row.group(3)) {
                case "s" -> Duration.ofSeconds(n);
                case "min" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
            Matcher name = NAME.matcher(row.group(1));
            while (name.find()) if (!name.group(1).equals("template")) documented.put(name.group(1), d);
        }
        assertEquals(new TreeMap<>(ModuleDeadlines.table()), documented);
    }

    @Test
    void everyStandardModuleHasItsOwnDefaultAndATaskTimeoutWins() {
        for (String module : ModuleRegistry.standard().names()) {
            assertEquals(true, ModuleDeadlines.table().containsKey(module), module + " is in the table");
        }
        assertEquals(ModuleDeadlines.FALLBACK, ModuleDeadlines.defaultFor("no_such_module"));
        assertEquals(Duration.ofSeconds(7), ModuleDeadlines.effective("command", Duration.ofSeconds(7)));
        assertEquals(Duration.ofHours(1), ModuleDeadlines.effective("command", null));
    }
}

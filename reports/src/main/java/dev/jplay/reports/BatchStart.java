package dev.jplay.reports;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** A {@code batch_start} event of {@code events.jsonl}: a rolling play started work on these hosts. */
public record BatchStart(String play, int batch, List<String> hosts, Instant time) {

    /** The batches of a run, in order; none when the file is missing. A torn last line (crashed run) is skipped. */
    public static List<BatchStart> read(Path eventsFile) throws IOException {
        List<BatchStart> batches = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(eventsFile, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.contains("\"batch_start\"")) continue;
                JsonNode n;
                try {
                    n = ReportFiles.json().readTree(line);
                    if (!"batch_start".equals(n.path("event").asText())) continue;
                    List<String> hosts = new ArrayList<>();
                    n.path("hosts").forEach(h -> hosts.add(h.asText()));
                    batches.add(new BatchStart(n.path("play").asText(""), n.path("batch").asInt(), List.copyOf(hosts),
                            Instant.parse(n.path("time").asText())));
                } catch (IOException | DateTimeParseException e) {
                    // not a complete event: nothing to draw for it
                }
            }
        } catch (NoSuchFileException e) {
            return List.of();
        }
        return batches;
    }
}

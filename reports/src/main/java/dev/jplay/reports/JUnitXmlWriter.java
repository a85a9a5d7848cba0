package dev.jplay.reports;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code junit.xml}: host × task results as JUnit test cases, in the shape Jenkins, GitLab and GitHub
 * test-report actions read. One {@code <testsuite>} per play; {@code classname} is {@code play/host},
 * {@code name} is the task (and its loop item). Failed → {@code <failure>}, unreachable → {@code <error>},
 * skipped → {@code <skipped/>}; an ignored failure passes and keeps its error in {@code <system-out>}.
 */
public final class JUnitXmlWriter {
    public static final String FILE = "junit.xml";
    static final int OUTPUT_TAIL = 4000;
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT);

    private JUnitXmlWriter() {}

    public static Path write(Path runDir, RunReport report) throws IOException {
        Path target = runDir.resolve(FILE);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        write(report, bytes);
        ReportFiles.writeAtomically(target, bytes.toByteArray());
        return target;
    }

    public static void write(RunReport report, OutputStream out) throws IOException {
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, "UTF-8");
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeCharacters("\n");
            Map<String, List<TaskOutcome>> byPlay = new LinkedHashMap<>();
            for (TaskOutcome o : report.results()) {
                byPlay.computeIfAbsent(o.play() == null ? "" : o.play(), p -> new ArrayList<>()).add(o);
            }
            Counts total = Counts.of(report.results());
            xml.writeStartElement("testsuites");
            attribute(xml, "name", "jplay " + nonNull(report.playbook()) + " " + nonNull(report.runId()));
            total.writeTo(xml, report.durationMs());
            xml.writeCharacters("\n");
            for (Map.Entry<String, List<TaskOutcome>> play : byPlay.entrySet()) {
                writeSuite(xml, report, play.getKey(), play.getValue());
            }
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.close();
            out.flush();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write JUnit XML for run " + report.runId() + ": " + e.getMessage(), e);
        }
    }

    private static void writeSuite(XMLStreamWriter xml, RunReport report, String play, List<TaskOutcome> outcomes) throws XMLStreamException {
        xml.writeCharacters("  ");
        xml.writeStartElement("testsuite");
        attribute(xml, "name", play);
        long suiteMs = outcomes.stream().mapToLong(TaskOutcome::durationMs).sum();
        Counts.of(outcomes).writeTo(xml, suiteMs);
        String start = outcomes.stream().map(TaskOutcome::started).filter(s -> s != null).findFirst().orElse(report.started());
        String timestamp = timestamp(start);
        if (timestamp != null) attribute(xml, "timestamp", timestamp);
        xml.writeCharacters("\n");
        for (TaskOutcome o : outcomes) writeCase(xml, o);
        xml.writeCharacters("  ");
        xml.writeEndElement();
        xml.writeCharacters("\n");
    }

    private static void writeCase(XMLStreamWriter xml, TaskOutcome o) throws XMLStreamException {
        xml.writeCharacters("    ");
        xml.writeStartElement("testcase");
        attribute(xml, "classname", nonNull(o.play()) + "/" + nonNull(o.host()));
        attribute(xml, "name", caseName(o));
        attribute(xml, "time", seconds(o.durationMs()));
        String file = fileOf(o.location());
        if (file != null) attribute(xml, "file", file);
        FailureInfo error = Redaction.redact(o.error());
        switch (o.status()) {
            case TaskOutcome.SKIPPED -> {
                xml.writeEmptyElement("skipped");
                if (o.msg() != null) attribute(xml, "message", o.msg());
            }
            case TaskOutcome.UNREACHABLE -> problem(xml, "error", o, error);
            case TaskOutcome.FAILED -> {
                if (!o.ignored()) problem(xml, "failure", o, error);
            }
            default -> { }
        }
        StringBuilder out = new StringBuilder();
        if (o.ignored() && error != null) out.append("ignored failure:\n").append(describe(o, error)).append('\n');
        if (o.stdout() != null && !o.stdout().isEmpty()) out.append(SafeText.tail(o.stdout(), OUTPUT_TAIL));
        if (out.length() > 0) text(xml, "system-out", out.toString());
        if (o.stderr() != null && !o.stderr().isEmpty()) text(xml, "system-err", SafeText.tail(o.stderr(), OUTPUT_TAIL));
        xml.writeEndElement();
        xml.writeCharacters("\n");
    }

    private static void problem(XMLStreamWriter xml, String element, TaskOutcome o, FailureInfo error) throws XMLStreamException {
        xml.writeStartElement(element);
        String message = error != null ? error.cause() : o.msg();
        attribute(xml, "message", message == null ? o.status() : message);
        attribute(xml, "type", error == null ? o.status() : nonNull(error.step()) + "/" + nonNull(error.code()));
        xml.writeCharacters(SafeText.clean(describe(o, error)));
        xml.writeEndElement();
    }

    /** The failure as lines a person reads in the CI's test view. */
    static String describe(TaskOutcome o, FailureInfo error) {
        StringBuilder b = new StringBuilder();
        if (error != null) {
            b.append("step: ").append(error.step()).append('\n');
            b.append("code: ").append(error.code()).append('\n');
            b.append("cause: ").append(error.cause()).append('\n');
        } else if (o.msg() != null) {
            b.append("msg: ").append(o.msg()).append('\n');
        }
        String location = error != null && error.location() != null ? error.location() : o.location();
        if (location != null) b.append("location: ").append(location).append('\n');
        if (o.rc() != null) b.append("rc: ").append(o.rc()).append('\n');
        Map<String, Object> detail = error == null || error.detail() == null ? Map.of() : error.detail();
        detail.forEach((k, v) -> {
            if (!k.equals("stderr_tail") && !k.equals("rc")) b.append(k).append(": ").append(v).append('\n');
        });
        String stderr = detail.get("stderr_tail") instanceof String s ? s : o.stderr();
        if (stderr != null && !stderr.isBlank()) {
            b.append("stderr (tail):\n").append(SafeText.tail(stderr, OUTPUT_TAIL));
            if (!stderr.endsWith("\n")) b.append('\n');
        }
        if (error != null) b.append("next: ").append(NextAction.suggest(error)).append('\n');
        return b.toString();
    }

    static String caseName(TaskOutcome o) {
        String task = o.task() == null ? "(unnamed task)" : o.task();
        return o.item() == null ? task : task + " [" + Items.label(o.item()) + "]";
    }

    private static String fileOf(String location) {
        if (location == null) return null;
        int colon = location.indexOf(':');
        return colon > 0 ? location.substring(0, colon) : location;
    }

    private static void text(XMLStreamWriter xml, String element, String content) throws XMLStreamException {
        xml.writeStartElement(element);
        xml.writeCharacters(SafeText.clean(content));
        xml.writeEndElement();
    }

    private static void attribute(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        // StAX escapes quotes and ampersands but would write line breaks raw, which parsers fold into spaces anyway
        xml.writeAttribute(name, SafeText.clean(value).replace('\r', ' ').replace('\n', ' '));
    }

    private static String seconds(long ms) {
        return String.format(Locale.ROOT, "%.3f", Math.max(0, ms) / 1000.0);
    }

    /** JUnit's schema wants a local date-time without zone: report UTC. */
    private static String timestamp(String iso) {
        if (iso == null) return null;
        try {
            return TIMESTAMP.format(LocalDateTime.ofInstant(Instant.parse(iso), ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private record Counts(int tests, int failures, int errors, int skipped) {
        static Counts of(List<TaskOutcome> outcomes) {
            int failures = 0, errors = 0, skipped = 0;
            for (TaskOutcome o : outcomes) {
                switch (o.status()) {
                    case TaskOutcome.FAILED -> failures += o.ignored() ? 0 : 1;
                    case TaskOutcome.UNREACHABLE -> errors++;
                    case TaskOutcome.SKIPPED -> skipped++;
                    default -> { }
                }
            }
            return new Counts(outcomes.size(), failures, errors, skipped);
        }

        void writeTo(XMLStreamWriter xml, long ms) throws XMLStreamException {
            attribute(xml, "tests", Integer.toString(tests));
            attribute(xml, "failures", Integer.toString(failures));
            attribute(xml, "errors", Integer.toString(errors));
            attribute(xml, "skipped", Integer.toString(skipped));
            attribute(xml, "time", seconds(ms));
        }
    }
}

package dev.jplay.cli;

import dev.jplay.engine.playbook.PlaybookParser;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.engine.run.PlaybookRunner;
import dev.jplay.engine.schedule.CronTrigger;
import dev.jplay.engine.schedule.Durations;
import dev.jplay.engine.schedule.MaintenanceWindow;
import dev.jplay.engine.schedule.MissedRunPolicy;
import dev.jplay.engine.schedule.Schedule;
import dev.jplay.engine.schedule.ScheduleFile;
import dev.jplay.engine.schedule.SecretRedactor;
import dev.jplay.engine.schedule.WebhookSettings;
import dev.jplay.engine.yaml.Location;
import dev.jplay.engine.yaml.PlaybookException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jplay schedule add|list|show|remove}: edits the schedules file the scheduler runs. */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = "Manage scheduled rollouts (kept in .jplay/schedules.yml; see docs/scheduling.md).",
        subcommands = {ScheduleCommand.Add.class, ScheduleCommand.ListSchedules.class, ScheduleCommand.Show.class,
                ScheduleCommand.Remove.class})
public final class ScheduleCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** {@code --file}, shared by the subcommands. */
    static final class FileOption {
        @Option(names = "--file", paramLabel = "FILE", description = "Schedules file (default: .jplay/schedules.yml).")
        Path file = ScheduleFile.DEFAULT;
    }

    /** Runs a file edit; bad input (located) exits 1. */
    interface Body {
        int run() throws IOException;
    }

    static int guarded(Body body) {
        try {
            return body.run();
        } catch (PlaybookException | IllegalArgumentException | DateTimeException e) {
            System.err.println("jplay: " + e.getMessage());
            return ExitCodes.BAD_INPUT;
        } catch (IOException e) {
            System.err.println("jplay: " + e.getMessage());
            return ExitCodes.INTERNAL;
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add (or with --replace, change) a schedule.")
    static final class Add implements Callable<Integer> {
        @Mixin FileOption file;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = {"-p", "--playbook"}, required = true, paramLabel = "FILE") Path playbook;
        @Option(names = {"-i", "--inventory"}, required = true, paramLabel = "SOURCE",
                description = "Inventory file, directory, script or host list (repeatable). Together they name the fleet.")
        List<String> inventory = new ArrayList<>();
        @Option(names = {"-e", "--extra-vars"}, paramLabel = "VARS", description = "k=v pairs, JSON, or @file (repeatable).")
        List<String> extraVars = new ArrayList<>();
        @Option(names = "--cron", required = true, paramLabel = "EXPR", description = "Unix cron, 5 fields, e.g. \"0 2 * * sat\".")
        String cron;
        @Option(names = "--zone", paramLabel = "ZONE", description = "IANA time zone of the cron and window (default: this machine's).")
        String zone;
        @Option(names = "--window", paramLabel = "DAYS START-END",
                description = "Maintenance window, e.g. \"sat,sun 01:00-05:00\" (an end before the start runs past midnight).")
        String window;
        @Option(names = "--expected-batch", paramLabel = "DURATION", description = "Expected time of one batch before any was measured (default 5m).")
        String expectedBatch;
        @Option(names = "--missed", defaultValue = "skip", paramLabel = "POLICY", description = "Fires missed while no scheduler ran: skip (default) or run_once.")
        String missed;
        @Option(names = "--webhook", paramLabel = "URL", description = "POST a JSON summary here.") String webhook;
        @Option(names = "--notify-on", defaultValue = "failure", paramLabel = "WHEN", description = "failure (default) or always.") String notifyOn;
        @Option(names = "--webhook-attempts", defaultValue = "4", paramLabel = "N") int attempts;
        @Option(names = "--replace", description = "Replace a schedule of the same name.") boolean replace;

        @Override
        public Integer call() {
            return guarded(() -> {
                if (!Files.isRegularFile(playbook)) throw new IllegalArgumentException("playbook " + playbook + " not found");
                ZoneId z = zone == null ? ZoneId.systemDefault() : ZoneId.of(zone);
                PlaybookParser parser = new PlaybookParser(PlaybookRunner.knownModules());
                Map<String, Object> extra = ExtraVars.parse(extraVars, f -> parser.loadVarsFile(f, Location.startOf(f)));
                List<String> sources = new ArrayList<>();
                for (String s : inventory) sources.add(Files.exists(Path.of(s)) ? Path.of(s).toAbsolutePath().normalize().toString() : s);
                Schedule schedule = new Schedule(name, playbook.toAbsolutePath().normalize().toString(), sources, extra,
                        CronTrigger.parse(cron, z), window == null ? null : parseWindow(window, z), MissedRunPolicy.parse(missed),
                        expectedBatch == null ? null : Durations.parse(expectedBatch),
                        webhook == null ? null : new WebhookSettings(URI.create(webhook), WebhookSettings.When.parse(notifyOn), attempts),
                        Instant.now().truncatedTo(ChronoUnit.SECONDS));
                List<Schedule> all = new ArrayList<>(ScheduleFile.load(file.file));
                Optional<Schedule> existing = all.stream().filter(s -> s.name().equals(name)).findFirst();
                if (existing.isPresent() && !replace) {
                    throw new IllegalArgumentException("schedule '" + name + "' already exists in " + file.file + " (use --replace)");
                }
                existing.ifPresent(all::remove);
                all.add(schedule);
                ScheduleFile.save(file.file, all);
                System.out.println((existing.isPresent() ? "replaced" : "added") + " schedule " + name + " in " + file.file
                        + "; next fire " + schedule.cron().nextAfter(Instant.now()).atZone(z));
                return ExitCodes.OK;
            });
        }

        /** {@code "sat,sun 01:00-05:00"}. */
        static MaintenanceWindow parseWindow(String text, ZoneId zone) {
            String[] parts = text.strip().split("\\s+");
            String[] times = parts.length == 2 ? parts[1].split("-") : new String[0];
            if (times.length != 2) throw new IllegalArgumentException("--window '" + text + "': expected DAYS START-END like \"sat,sun 01:00-05:00\"");
            EnumSet<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            for (String d : parts[0].split(",")) days.add(MaintenanceWindow.parseDay(d));
            return new MaintenanceWindow(days, MaintenanceWindow.parseTime(times[0]), MaintenanceWindow.parseTime(times[1]), zone);
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List schedules and their next fire.")
    static final class ListSchedules implements Callable<Integer> {
        @Mixin FileOption file;
        @Option(names = "--json", description = "One JSON object per schedule (secret-looking extra vars redacted).") boolean json;

        @Override
        public Integer call() {
            return guarded(() -> {
                List<Schedule> all = ScheduleFile.load(file.file);
                Instant now = Instant.now();
                if (json) {
                    for (Schedule s : all) System.out.println(HistoryCommand.JSON.writeValueAsString(redacted(s, now)));
                    return ExitCodes.OK;
                }
                if (all.isEmpty()) {
                    System.out.println("no schedules in " + file.file);
                    return ExitCodes.OK;
                }
                System.out.printf("%-20s %-18s %-16s %-26s %s%n", "NAME", "CRON", "ZONE", "NEXT", "PLAYBOOK");
                for (Schedule s : all) {
                    System.out.printf("%-20s %-18s %-16s %-26s %s%n", s.name(), s.cron().expression(), s.zone(),
                            s.cron().nextAfter(now).atZone(s.zone()).toOffsetDateTime(), s.playbook());
                }
                return ExitCodes.OK;
            });
        }
    }

    static Map<String, Object> redacted(Schedule s, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("playbook", s.playbook());
        m.put("inventory", s.inventory());
        m.put("extra_vars", new SecretRedactor(s.extraVars()).redact(s.extraVars()));
        m.put("cron", s.cron().expression());
        m.put("zone", s.zone().getId());
        m.put("window", s.window() == null ? null : s.window().toString());
        m.put("missed", s.missed().yamlName());
        m.put("next", s.cron().nextAfter(now).toString());
        return m;
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one schedule and its next fire times.")
    static final class Show implements Callable<Integer> {
        @Mixin FileOption file;
        @Parameters(index = "0", paramLabel = "NAME") String name;
        @Option(names = "--next", defaultValue = "5", paramLabel = "N", description = "How many fire times to list (default 5).") int next;

        @Override
        public Integer call() {
            return guarded(() -> {
                Schedule s = ScheduleFile.load(file.file).stream().filter(x -> x.name().equals(name)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no schedule '" + name + "' in " + file.file));
                System.out.println("name:      " + s.name());
                System.out.println("playbook:  " + s.playbook());
                System.out.println("inventory: " + String.join(" ", s.inventory()) + "  (fleet " + s.fleet().fileName() + ")");
                System.out.println("extra:     " + new SecretRedactor(s.extraVars()).redact(s.extraVars()));
                System.out.println("cron:      " + s.cron().expression() + " in " + s.zone() + " (" + s.cron().describe() + ")");
                System.out.println("window:    " + (s.window() == null ? "none (any time)" : s.window()));
                System.out.println("batch:     expected " + Durations.format(s.expectedBatchOrDefault()));
                System.out.println("missed:    " + s.missed().yamlName());
                System.out.println("webhook:   " + (s.webhook() == null ? "none" : s.webhook().url() + " on " + s.webhook().when().yamlName()));
                System.out.println("next fires:");
                Instant t = Instant.now();
                for (int i = 0; i < next; i++) {
                    t = s.cron().nextAfter(t);
                    String note = s.window() == null ? "" : s.window().canStart(t, s.expectedBatchOrDefault()) ? "" : "  (outside the window: will be skipped)";
                    System.out.println("  " + t.atZone(s.zone()).toOffsetDateTime() + "  " + t + note);
                }
                return ExitCodes.OK;
            });
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a schedule.")
    static final class Remove implements Callable<Integer> {
        @Mixin FileOption file;
        @Parameters(index = "0", paramLabel = "NAME") String name;

        @Override
        public Integer call() {
            return guarded(() -> {
                List<Schedule> all = new ArrayList<>(ScheduleFile.load(file.file));
                if (!all.removeIf(s -> s.name().equals(name))) throw new IllegalArgumentException("no schedule '" + name + "' in " + file.file);
                ScheduleFile.save(file.file, all);
                System.out.println("removed schedule " + name + " from " + file.file);
                return ExitCodes.OK;
            });
        }
    }
}

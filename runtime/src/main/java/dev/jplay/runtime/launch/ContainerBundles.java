package dev.jplay.runtime.launch;

import dev.jplay.protocol.Json;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The OCI bundles under {@code <state>/containers/}, one directory per container (see {@link ContainerFiles}):
 * {@code config.json} generated from the spec and image, the {@code /etc} files, the supervisor script and its log
 * writer, an empty log and, written last, {@code spec.json}, whose presence means "bundle complete". Knows files only; the processes
 * are {@link ContainerSupervisor}'s.
 */
final class ContainerBundles {
    private final Path containersDir;
    private final RuncRuntime runtime;
    private final OciConfigGenerator generator = new OciConfigGenerator();
    private final EtcFiles etcFiles = new EtcFiles();

    ContainerBundles(Path containersDir, RuncRuntime runtime) {
        this.containersDir = containersDir;
        this.runtime = runtime;
    }

    ContainerFiles files(String name) {
        return ContainerFiles.of(containersDir, name);
    }

    /** The OCI config for this spec and image; validates the spec, so call it before touching anything. */
    Map<String, Object> config(ContainerSpec spec, ContainerImage image) {
        LogWriterScript.perl(); // a host that cannot keep the output is refused before anything is torn down
        return generator.generate(spec, image.config(), image.rootfs());
    }

    void write(ContainerFiles files, SpecRecord record, Map<String, Object> config) {
        try {
            Files.createDirectories(files.dir());
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> mounts = (List<Map<String, Object>>) config.get("mounts");
            List<Map<String, Object>> withEtc = new ArrayList<>(mounts);
            withEtc.addAll(etcFiles.write(files.dir(), record.spec())); // hostname, hosts, resolv.conf
            config.put("mounts", withEtc);
            ContainerFiles.writeAtomically(files.config(), new String(Json.writePretty(config), StandardCharsets.UTF_8));
            ContainerFiles.writeAtomically(files.logWriterScript(), LogWriterScript.SOURCE);
            ContainerFiles.writeAtomically(files.supervisorScript(), SupervisorScript.render(files,
                    LogWriterScript.command(LogWriterScript.perl(), files, record.spec().log(),
                            runtime.runCommand(record.spec().name(), files.dir(), files.runtimeLog())),
                    record.spec().restartPolicy(), record.spec().restartRetries()));
            if (!Files.exists(files.jsonLog())) Files.createFile(files.jsonLog());
            ContainerFiles.writeAtomically(files.spec(), record.write()); // last: its presence means "bundle complete"
        } catch (IOException e) {
            throw new LaunchException(Step.CREATE, "BUNDLE_WRITE_FAILED",
                    "cannot write bundle " + files.dir() + ": " + e.getMessage(), e).bundle(files.dir());
        }
    }

    /** Removes the bundle directory and everything in it (the caller's rootfs is elsewhere and stays). */
    void delete(ContainerFiles files) {
        if (!Files.exists(files.dir())) return;
        try (Stream<Path> paths = Files.walk(files.dir())) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException | UncheckedIOException e) {
            throw new LaunchException(Step.DELETE, "DELETE_FAILED",
                    "cannot remove " + files.dir() + ": " + e.getMessage(), e).bundle(files.dir());
        }
    }

    /** Names of all containers with a complete bundle. */
    List<String> names() {
        if (!Files.isDirectory(containersDir)) return List.of();
        try (Stream<Path> dirs = Files.list(containersDir)) {
            return dirs.filter(d -> new ContainerFiles(d).exists()).map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException | UncheckedIOException e) {
            throw new LaunchException(Step.INSPECT, "STATE_UNREADABLE", "cannot list " + containersDir + ": " + e.getMessage(), e);
        }
    }
}

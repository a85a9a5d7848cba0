package dev.jplay.cli;

import dev.jplay.engine.devimage.BusyboxImage;
import dev.jplay.engine.devimage.RegistryUpload;
import dev.jplay.engine.run.ExitCodes;
import dev.jplay.runtime.image.ImageReference;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jplay dev ...}: hidden helpers for development and the quickstart. */
@Command(name = "dev", hidden = true, mixinStandardHelpOptions = true, description = "Developer helpers.",
        subcommands = DevCommand.PushBusyboxImage.class)
public final class DevCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /** {@code jplay dev push-busybox-image [--insecure] REGISTRY/REPO:TAG}. */
    @Command(name = "push-busybox-image", mixinStandardHelpOptions = true,
            description = "Build a busybox httpd image from the host's static busybox and push it to a registry.")
    static final class PushBusyboxImage implements Callable<Integer> {
        @Parameters(paramLabel = "REGISTRY/REPO:TAG", description = "Where to push, e.g. 127.0.0.1:5000/web:1.")
        String reference;

        @Option(names = "--insecure", description = "Plain http (a local registry without TLS).")
        boolean insecure;

        @Option(names = "--busybox", paramLabel = "PATH", description = "A static busybox binary (default: ${DEFAULT-VALUE}).")
        Path busybox = BusyboxImage.DEFAULT_BUSYBOX;

        @Option(names = "--index-html", paramLabel = "TEXT", description = "Content of /www/index.html.")
        String indexHtml = "<h1>Hello from jplay</h1>\n";

        @Override
        public Integer call() {
            try {
                ImageReference ref = ImageReference.parse(reference);
                BusyboxImage image = BusyboxImage.build(busybox, indexHtml);
                String digest = new RegistryUpload(ref.registry(), insecure).push(ref, image);
                System.out.println(ref + " " + digest);
                return ExitCodes.OK;
            } catch (IllegalArgumentException | IOException e) {
                System.err.println("jplay dev push-busybox-image: " + e.getMessage());
                return ExitCodes.BAD_INPUT;
            }
        }
    }
}

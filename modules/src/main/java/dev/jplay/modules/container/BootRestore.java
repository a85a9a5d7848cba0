package dev.jplay.modules.container;

import dev.jplay.modules.ModuleException;
import dev.jplay.modules.network.BootNetwork;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.launch.ContainerResult;
import dev.jplay.runtime.launch.ContainerStatus;
import dev.jplay.runtime.launch.LaunchException;
import dev.jplay.runtime.network.CniNetworks;
import dev.jplay.runtime.network.NetworkAttachment;
import dev.jplay.runtime.network.NetworkException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What the host's boot unit ({@link dev.jplay.runtime.launch.BootUnit}) runs: every container jplay started with a
 * restart policy comes back after a reboot as it was, from what the state directory kept. A reboot dropped what lived
 * in memory, under {@code /run} and in mounts: the overlay mount of the rootfs (its upper layer is on disk and is
 * mounted again, so the container keeps its writable layer, as Docker's do), the network namespace with its veth (the
 * recorded attachment is attached again: same IP, bridge, gateway, published ports) and runc's state; then the
 * supervisor starts it with its restart policy, as {@code state: started} would. Before any container, the host's
 * pool routes and fleet service tables are applied again from their records ({@link BootNetwork}). Containers are restored one by one;
 * one that fails is reported and the others still come back. The same locks as the agent's are taken, so a jplay run
 * during the boot waits for the container it shares, and a restore run twice changes nothing the second time.
 */
public final class BootRestore {
    private final ContainerHost host;
    private final CniNetworks networks;
    private final PrintStream out;

    private BootRestore(ContainerHost host, CniNetworks networks, PrintStream out) {
        this.host = host;
        this.networks = networks;
        this.out = out;
    }

    /** Restores the containers of {@code stateDir}, one line each on {@code out}; the number that failed. */
    public static int restoreAll(Path stateDir, PrintStream out) throws IOException {
        // Routes and service rules first: an instance is reachable as soon as it answers.
        int networkFailed = BootNetwork.restore(stateDir, out);
        BootRestore restore = new BootRestore(ContainerHost.open(stateDir), new CniNetworks(stateDir), out);
        int failed = 0;
        int restored = 0;
        List<String> names = restore.host.containerNames();
        for (String name : names) {
            try {
                Optional<String> line = restore.restore(name);
                if (line.isPresent()) {
                    out.println(line.get());
                    restored++;
                }
            } catch (ModuleException e) {
                failed++;
                out.println(failure(name, e.step(), e.code(), e.getMessage()));
            } catch (LaunchException e) {
                failed++;
                out.println(failure(name, e.step(), e.code(), e.getMessage()));
            } catch (NetworkException e) {
                failed++;
                out.println(failure(name, e.step(), e.code(), e.getMessage()));
            }
        }
        out.println("jplay restore: " + restored + " container(s) started, " + failed + " failed, "
                + (names.size() - restored - failed) + " left alone" + (networkFailed == 0 ? "" : ", " + networkFailed
                + " network record(s) failed"));
        return failed + networkFailed;
    }

    private static String failure(String name, Step step, String code, String message) {
        return name + ": FAILED at step " + step.id() + " (" + code + "): " + message;
    }

    /** The line for a container started (or found running), empty for one that is not to start at boot. */
    private Optional<String> restore(String name) throws ModuleException {
        Optional<String> skip = host.bootSkipReason(name);
        if (skip.isPresent()) {
            return host.startAtBoot(name) ? Optional.of(name + ": " + skip.get()) : Optional.empty();
        }
        ContainerStatus recorded = host.status(name);
        host.mountRootfs(name, layers(name, recorded.imageDigest()));
        NetworkAttachment attachment = networks.attachments().get(name);
        if (attachment != null) networks.attach(name, attachment); // the recorded one: same IP, a fresh namespace
        ContainerResult started = host.startRecorded(name);
        ContainerStatus now = started.status();
        return Optional.of(name + ": " + now.state().id() + (now.pid() == null ? "" : " (pid " + now.pid() + ")")
                + (attachment == null ? "" : ", " + ContainerNetwork.describe(attachment)));
    }

    /** The unpacked layers of the image the container was created from (a prune keeps them while it exists). */
    private List<Digest> layers(String name, String imageDigest) throws ModuleException {
        if (imageDigest == null) {
            throw new ModuleException(Step.MOUNT, "NO_IMAGE_RECORD", "container " + name + " records no image digest");
        }
        Optional<LocalImages.LocalImage> image;
        try {
            image = host.imageByManifest(Digest.parse(imageDigest));
        } catch (IOException e) {
            throw Failures.store("image " + imageDigest, host.imageStoreDir(), e);
        }
        if (image.isEmpty()) {
            throw new ModuleException(Step.MOUNT, "IMAGE_MISSING", "the image " + imageDigest + " of container " + name
                    + " is no longer in the image store " + host.imageStoreDir()).detail("container", name);
        }
        List<Digest> missing = host.missingLayers(image.get().diffIds());
        if (!missing.isEmpty()) {
            throw new ModuleException(Step.MOUNT, "LAYERS_MISSING", "layers of container " + name + " are not unpacked: " + missing)
                    .detail("container", name);
        }
        return image.get().diffIds();
    }
}

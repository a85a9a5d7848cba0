package dev.jplay.modules.container;

import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageConfig;
import dev.jplay.runtime.launch.ContainerImage;
import dev.jplay.runtime.launch.ContainerResult;
import dev.jplay.runtime.launch.ContainerRevision;
import dev.jplay.runtime.launch.ContainerStatus;
import dev.jplay.runtime.launch.LaunchException;
import dev.jplay.runtime.network.CniNetworks;
import dev.jplay.runtime.network.NetworkAttachment;
import dev.jplay.runtime.network.NetworkException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code container: state=rolled_back}: puts back the revision (spec and image) a container had before its last
 * recreate, from what is already on the host — no registry needed, because a kept revision's image is never
 * pruned. Only one revision is kept, and a rollback does not replace it: rolling back twice is {@code ok} the
 * second time, not a roll forward.
 */
final class ContainerRollback {
    private final ContainerHost host;
    private final ModuleContext ctx;

    ContainerRollback(ContainerHost host, ModuleContext ctx) {
        this.host = host;
        this.ctx = ctx;
    }

    /** Hook before a recreate: the container about to be replaced becomes the revision to roll back to. */
    static void keepPrevious(ContainerHost host, String name, ModuleContext ctx) throws ModuleException {
        if (host.keepAsPrevious(name)) new HealthRecords(ctx.stateDir()).keepAsPrevious(name);
    }

    /**
     * Hook before a start-first replacement creates {@code name} beside {@code replaced}: {@code replaced}'s revision, its
     * healthcheck and its network become what {@code name} rolls back to (then {@code replaced} is removed).
     */
    static void keepReplaced(ContainerHost host, String name, String replaced, ModuleContext ctx) throws ModuleException {
        if (!host.keepAsPrevious(name, replaced)) return;
        new HealthRecords(ctx.stateDir()).keepAsPrevious(name, replaced);
        new PreviousNetworks(ctx.stateDir()).keep(name, ContainerNetwork.networks(ctx).attachments().get(replaced));
    }

    /** Hook on removal: nothing to roll back to, and the old image may be pruned. */
    static void forget(ContainerHost host, String name, ModuleContext ctx) throws ModuleException {
        host.forgetPrevious(name);
        new HealthRecords(ctx.stateDir()).forget(name);
        new PreviousNetworks(ctx.stateDir()).forget(name);
    }

    /** @param override the task's healthcheck; null checks the restored revision as it was last checked */
    ModuleResult run(String name, HealthCheck override) throws ModuleException {
        Optional<ContainerRevision> previous = host.previousRevision(name);
        Optional<ContainerRevision> current = host.revision(name);
        if (previous.isEmpty()) {
            return ModuleResult.ok().msg("container " + name + " has no previous revision: nothing to roll back")
                    .put("rolled_back", false).put("container", summary(host.status(name))).build();
        }
        ContainerRevision target = previous.get();
        if (!target.spec().name().equals(name)) return new Beside(name, target, current).run();
        if (current.isPresent() && current.get().specHash().equals(target.specHash())) {
            return ModuleResult.ok().msg("container " + name + " already runs its previous revision (" + target.imageDigest() + ")")
                    .put("rolled_back", false).put("container", summary(host.status(name))).build();
        }
        Map<String, Object> from = current.map(ContainerRollback::revisionData).orElse(null);
        if (ctx.check()) {
            return ModuleResult.changed(true).msg("container " + name + " would be rolled back to " + target.imageDigest())
                    .put("rolled_back", true).put("from", from).put("to", revisionData(target)).build();
        }
        LocalImages.LocalImage image = previousImage(name, target);
        host.ensureAbsent(name);
        Path rootfs = host.remountRootfs(name, image.diffIds()); // a fresh writable layer, as for any recreate
        ImageConfig config = image.config();
        ContainerImage containerImage = new ContainerImage(target.imageDigest(),
                new dev.jplay.runtime.launch.ImageConfig(config.entrypoint(), config.cmd(), config.env(), config.workingDir(), config.user()),
                rootfs);
        ContainerResult started = host.ensureStarted(target.spec(), containerImage);
        ContainerBoot.Outcome boot = ContainerBoot.converge(host, ctx, name); // the revision's restart policy decides the boot unit
        HealthRecords records = new HealthRecords(ctx.stateDir());
        HealthCheck check = override != null ? override : records.previousCheck(name);
        records.saveCurrent(name, check);
        Map<String, Object> health = check == null ? null
                : HealthGate.await(host, name, check, true, HealthGate.hostAddress(target.spec()), ctx.timeout(),
                        ctx.activity());
        ModuleResult.Builder out = ModuleResult.changed(true)
                .msg("container " + name + " rolled back to " + target.imageDigest() + ", " + started.status().state().id())
                .put("rolled_back", true)
                .put("from", from)
                .put("to", revisionData(target))
                .put("container", summary(started.status()));
        if (health != null) out.put("health", health);
        if (!boot.warnings().isEmpty()) out.put("warnings", boot.warnings());
        return out.build();
    }

    /**
     * The previous revision was another container, which {@code name} replaced start-first: it comes back under its own
     * name and address beside {@code name}, which keeps running (the caller removes it once the restored one serves:
     * start-first in reverse). A restored container that fails (its health gate above all) is removed again, so a
     * failed rollback takes nothing away.
     */
    private final class Beside {
        private final String name;
        private final ContainerRevision target;
        private final Optional<ContainerRevision> current;
        private final String restored;

        Beside(String name, ContainerRevision target, Optional<ContainerRevision> current) {
            this.name = name;
            this.target = target;
            this.current = current;
            this.restored = target.spec().name();
        }

        ModuleResult run() throws ModuleException {
            Optional<NetworkAttachment> network = new PreviousNetworks(ctx.stateDir()).of(name);
            Optional<ContainerRevision> there = host.revision(restored);
            ContainerStatus status = host.status(restored);
            if (there.isPresent() && there.get().specHash().equals(target.specHash()) && status.isRunning()) {
                return done(ModuleResult.ok(), "container " + name + "'s previous revision already runs beside it as " + restored, status, null);
            }
            if (ctx.check()) {
                return done(ModuleResult.changed(true), "container " + name + "'s previous revision would be started beside it as " + restored
                        + network.map(n -> " at " + n.ip()).orElse(""), status, null);
            }
            LocalImages.LocalImage image = previousImage(name, target);
            CniNetworks cni = ContainerNetwork.networks(ctx);
            try {
                host.ensureAbsent(restored); // a leftover of the replaced container, not serving: the fleet state says `name` runs
                if (network.isPresent()) {
                    ctx.activity().now(Step.NETWORK, "attaching " + restored + " to its network (CNI) at " + network.get().ip());
                    cni.attach(restored, network.get());
                }
                Path rootfs = host.remountRootfs(restored, image.diffIds());
                ImageConfig config = image.config();
                ContainerImage containerImage = new ContainerImage(target.imageDigest(),
                        new dev.jplay.runtime.launch.ImageConfig(config.entrypoint(), config.cmd(), config.env(), config.workingDir(), config.user()),
                        rootfs);
                ContainerResult started = host.ensureStarted(target.spec(), containerImage);
                HealthRecords records = new HealthRecords(ctx.stateDir());
                HealthCheck check = records.previousCheck(name);
                records.saveCurrent(restored, check);
                String address = network.map(NetworkAttachment::ip).orElse(HealthGate.hostAddress(target.spec()));
                Map<String, Object> health = check == null ? null
                        : HealthGate.await(host, restored, check, true, address, ctx.timeout(), ctx.activity());
                ContainerBoot.Outcome boot = ContainerBoot.converge(host, ctx, restored);
                ModuleResult.Builder out = ModuleResult.changed(true);
                if (health != null) out.put("health", health);
                if (!boot.warnings().isEmpty()) out.put("warnings", boot.warnings());
                return done(out, "container " + name + " rolled back beside it: " + restored + " runs " + target.imageDigest()
                        + network.map(n -> " at " + n.ip()).orElse("") + " (remove " + name + " once " + restored + " serves)", started.status(),
                        network.orElse(null));
            } catch (ModuleException | LaunchException | NetworkException e) {
                removeRestored(cni);
                ModuleException failure = e instanceof ModuleException m ? m : e instanceof LaunchException l ? Failures.launch(l)
                        : ContainerNetwork.failure((NetworkException) e, restored);
                throw failure.detail("restored_as", restored).detail("container", name);
            }
        }

        /** The restored container goes again: {@code name} keeps serving, nothing is left behind. */
        private void removeRestored(CniNetworks cni) {
            try {
                host.ensureAbsent(restored);
                host.removeRootfs(restored);
                cni.detach(restored);
                new HealthRecords(ctx.stateDir()).saveCurrent(restored, null);
            } catch (ModuleException | RuntimeException e) {
                ctx.activity().now(Step.ROLLBACK, "could not remove the restored container " + restored + ": " + e.getMessage());
            }
        }

        private ModuleResult done(ModuleResult.Builder out, String msg, ContainerStatus status, NetworkAttachment network) {
            out.msg(msg).put("rolled_back", true).put("restored_as", restored)
                    .put("from", current.map(ContainerRollback::revisionData).orElse(null)).put("to", revisionData(target))
                    .put("container", summary(status));
            if (network != null) out.put("ip", network.ip());
            return out.build();
        }
    }

    /** The kept revision's image, complete and unpacked on this host. */
    private LocalImages.LocalImage previousImage(String name, ContainerRevision target) throws ModuleException {
        Optional<LocalImages.LocalImage> image;
        try {
            image = host.imageByManifest(Digest.parse(target.imageDigest()));
        } catch (IOException e) {
            throw Failures.store("cannot read image " + target.imageDigest() + " from the content store", host.imageStoreDir(), e);
        }
        List<String> missingLayers = image.map(i -> host.missingLayers(i.diffIds()).stream().map(Digest::toString).toList())
                .orElse(List.of());
        if (image.isEmpty() || !missingLayers.isEmpty()) {
            throw new ModuleException(Step.ROLLBACK, "PREVIOUS_IMAGE_MISSING", "cannot roll back container " + name + ": image "
                    + target.imageDigest() + " of its previous revision is no longer complete on this host")
                    .detail("container", name).detail("image_digest", target.imageDigest())
                    .detail("missing_layers", missingLayers.isEmpty() ? null : missingLayers);
        }
        return image.get();
    }

    private static Map<String, Object> revisionData(ContainerRevision revision) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("image_digest", revision.imageDigest());
        data.put("spec_hash", revision.specHash());
        return data;
    }

    private static Map<String, Object> summary(ContainerStatus status) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("name", status.name());
        c.put("status", status.state().id());
        c.put("pid", status.pid());
        c.put("image_digest", status.imageDigest());
        return c;
    }
}

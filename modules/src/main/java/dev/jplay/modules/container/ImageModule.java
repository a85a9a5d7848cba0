package dev.jplay.modules.container;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * {@code image}, after Ansible's {@code docker_image}: {@code state: present} pulls {@code name} into the agent's
 * content store and unpacks its layers (while they download); {@code state: absent} forgets the reference.
 * {@code prune: true} then deletes blobs and layers no image or container uses. Changed only when something was
 * downloaded, unpacked, forgotten or deleted.
 *
 * <p>A present image is not asked for again unless {@code force_source: true} (then one manifest request tells
 * whether the tag moved).
 */
public final class ImageModule implements TaskModule {
    private static final Set<String> ARGS = new HashSet<>(ImageRequest.ARGS);

    static {
        ARGS.addAll(List.of("name", "state", "unpack", "force_source", "prune"));
    }

    @Override
    public String name() {
        return "image";
    }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        String state = args.string("state", "present");
        boolean prune = args.bool("prune", false);
        if (!state.equals("present") && !state.equals("absent")) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "image: state must be present or absent, got '" + state + "'");
        }
        if (!args.has("name") && !prune) {
            throw new ModuleException(Step.ARGS, "ARG_MISSING", "image: argument 'name' is required (unless prune: true)");
        }
        if (!ctx.check()) ContainerHost.requireRoot(name());
        ContainerHost host = ContainerHost.of(ctx);
        ModuleResult.Builder result = ModuleResult.ok();
        boolean changed = false;
        if (args.has("name")) {
            PullPolicy policy = args.bool("force_source", false) ? PullPolicy.ALWAYS : PullPolicy.MISSING;
            ImageRequest request = ImageRequest.from(args, "name", args.bool("unpack", true), policy);
            changed = state.equals("present") ? present(request, host, ctx, result) : absent(request, host, ctx, result);
        }
        if (prune) {
            try {
                ImagePruner.Pruned pruned = host.pruneImages(ctx.check());
                result.put("pruned", pruned.toData());
                changed |= pruned.changed();
            } catch (IOException e) {
                throw Failures.store("image: prune failed", host.imageStoreDir(), e);
            }
        }
        return result.changed(changed).build();
    }

    private boolean present(ImageRequest request, ContainerHost host, ModuleContext ctx, ModuleResult.Builder result)
            throws ModuleException {
        ImageEnsurer ensurer = new ImageEnsurer(host, ctx);
        if (ctx.check()) {
            Optional<EnsuredImage> local = ensurer.findLocal(request);
            local.ifPresent(image -> result.put("image", image.toData()));
            result.msg(local.isPresent() ? "image is present" : "image would be pulled");
            return local.isEmpty() || request.policy() == PullPolicy.ALWAYS;
        }
        EnsuredImage image = ensurer.ensure(request);
        result.put("image", image.toData());
        if (!image.warnings().isEmpty()) result.put("warnings", image.warnings());
        String did = image.pulled() ? "pulled " + image.bytesDownloaded() + " bytes in " + image.millis() + " ms"
                : image.layersUnpacked() > 0 ? "unpacked " + image.layersUnpacked() + " layers" : "image is present";
        result.msg(image.reclaimedBytes() > 0 ? did + "; reclaimed " + image.reclaimedBytes() + " bytes left by interrupted pulls" : did);
        return image.changed();
    }

    private boolean absent(ImageRequest request, ContainerHost host, ModuleContext ctx, ModuleResult.Builder result)
            throws ModuleException {
        String key = request.reference().toString();
        boolean recorded;
        try {
            recorded = ctx.check() ? host.isImageRecorded(key) : host.forgetImage(key);
        } catch (IOException e) {
            throw Failures.store("image: cannot forget " + key, host.imageStoreDir(), e);
        }
        result.msg(recorded ? "removed " + key + " (blobs stay until prune)" : "image is absent");
        return recorded;
    }
}

package dev.jplay.modules.container;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.fetch.FetchResult;
import dev.jplay.runtime.fetch.LayerUnpackException;
import dev.jplay.runtime.image.Digest;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.image.Platform;
import dev.jplay.runtime.registry.PullException;
import dev.jplay.runtime.registry.PullOptions;
import dev.jplay.runtime.registry.RegistryClient;
import dev.jplay.runtime.fetch.ImageService;
import dev.jplay.runtime.store.ContentMismatchException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code image_relay}: the host's side of an image relayed by the controller to a host that cannot reach the registry
 * (host var {@code jplay_image_pull: relay}). Not a playbook module: the controller calls it before the host's
 * {@code image}/{@code container} task. Three actions:
 * <ul>
 *   <li>{@code missing}: which of {@code digests} the content store lacks (so a re-run sends nothing);</li>
 *   <li>{@code ingest}: streams the file {@code path}, which the controller wrote over SFTP on its own channel, into
 *       the content store as blob {@code digest} of {@code size} bytes. The store hashes while it writes and
 *       publishes the blob by rename only if size and digest match; the staged file is deleted either way. Bytes
 *       that do not match are refused ({@code VERIFY}/{@code DIGEST_MISMATCH}), nothing is kept;</li>
 *   <li>{@code record}: once every blob is here, records {@code name} → {@code digest} as a pull would and unpacks
 *       the layers, without asking any registry (an incomplete image fails {@code RELAY_INCOMPLETE}). The image
 *       task that follows then finds it present; with {@code pull: always} it takes the relay's resolution (the
 *       controller asked the registry) instead of asking again.</li>
 * </ul>
 * Trust: a blob is stored under a digest only when its bytes hash to it, and the image is assembled from the manifest
 * named by {@code digest} (which, for a reference that pins a digest, must be that digest).
 */
public final class ImageRelayModule implements TaskModule {
    /** Agent-state key prefix: images relayed in this agent's run, by reference. */
    static final String RELAYED = "relayed-image:";
    private static final Set<String> ARGS = Set.of("action", "digests", "path", "digest", "size", "name", "platform",
            "unpack");

    @Override
    public String name() {
        return "image_relay";
    }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        ContainerHost host = ContainerHost.of(ctx);
        String action = args.string("action");
        return switch (action) {
            case "missing" -> missing(args, host);
            case "ingest" -> ingest(args, host);
            case "record" -> record(args, host, ctx);
            default -> throw new ModuleException(Step.ARGS, "ARG_VALUE", "image_relay: action must be missing, ingest or record, got '"
                    + action + "'");
        };
    }

    private static ModuleResult missing(ModuleArgs args, ContainerHost host) throws ModuleException {
        List<String> missing = new ArrayList<>();
        for (String digest : args.strings("digests")) {
            if (!host.contentStore().has(digest(digest))) missing.add(digest);
        }
        // The host's platform too: the controller picks an index's entry for it, as the host's own pull would.
        return ModuleResult.ok().put("missing", missing).put("platform", Platform.host().toString()).build();
    }

    private static ModuleResult ingest(ModuleArgs args, ContainerHost host) throws ModuleException {
        Path staged = Path.of(args.string("path"));
        Digest digest = digest(args.string("digest"));
        long size = args.number("size", -1);
        if (size < 0) throw new ModuleException(Step.ARGS, "ARG_MISSING", "image_relay: ingest needs the blob's size");
        try {
            if (!Files.isRegularFile(staged, LinkOption.NOFOLLOW_LINKS)) {
                throw new ModuleException(Step.FETCH, "RELAY_STAGED_MISSING", "relayed blob " + digest + ": staged file "
                        + staged + " is not a regular file").detail("path", staged.toString());
            }
            boolean present = host.contentStore().has(digest);
            if (!present) {
                try (InputStream in = Files.newInputStream(staged, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                    host.contentStore().write(digest, size, in); // verified against digest and size before the rename
                }
            }
            return ModuleResult.changed(!present).put("digest", digest.toString()).put("size", size).build();
        } catch (ContentMismatchException e) {
            String code = e.kind() == ContentMismatchException.Kind.DIGEST ? PullException.DIGEST_MISMATCH : PullException.SIZE_MISMATCH;
            throw new ModuleException(Step.VERIFY, code, "relayed blob refused: " + e.getMessage(), e).detail("digest", digest.toString());
        } catch (IOException e) {
            throw Failures.store("cannot store relayed blob " + digest, host.imageStoreDir(), e);
        } finally {
            try {
                Files.deleteIfExists(staged);
            } catch (IOException ignored) {
                // the controller's next relay to this host removes its leftovers
            }
        }
    }

    private static ModuleResult record(ModuleArgs args, ContainerHost host, ModuleContext ctx) throws ModuleException {
        ImageReference ref = ImageRequest.reference(args.string("name"), "name");
        Digest digest = digest(args.string("digest"));
        if (ref.digest() != null && !ref.digest().equals(digest)) {
            throw new ModuleException(Step.VERIFY, PullException.DIGEST_MISMATCH, "relayed manifest " + digest
                    + " is not the one " + ref + " pins").detail("digest", digest.toString());
        }
        Platform platform;
        try {
            platform = args.has("platform") ? Platform.parse(args.string("platform")) : Platform.host();
        } catch (IllegalArgumentException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", e.getMessage());
        }
        try {
            if (host.localImages().find(ref.withDigest(digest), platform).isEmpty()) {
                throw new ModuleException(Step.FETCH, "RELAY_INCOMPLETE", "relayed image " + ref + " (" + digest
                        + ") is not complete in the content store").detail("digest", digest.toString());
            }
        } catch (IOException e) {
            throw Failures.store("cannot read relayed image " + ref, host.imageStoreDir(), e);
        }
        ImageService.Unpack unpack = args.bool("unpack", true)
                ? ImageService.Unpack.layers(ImageRequest.limits(args), null) : ImageService.Unpack.none();
        FetchResult fetched;
        try {
            // Complete in the store, so the puller's offline path answers: the client is never used.
            RegistryClient unused = RegistryClient.builder().build();
            fetched = host.imageService().fetch(unused, ref, PullOptions.builder().platform(platform).knownDigest(digest).build(), unpack);
        } catch (IOException e) {
            throw Failures.store("cannot prepare relayed image " + ref, host.imageStoreDir(), e);
        } catch (PullException e) {
            throw Failures.pull(ref, e);
        } catch (LayerUnpackException e) {
            throw Failures.unpack(ref, e);
        }
        ctx.agentState().put(RELAYED + ref, digest.toString());
        return ModuleResult.changed(fetched.unpackedCount() > 0).put("digest", digest.toString())
                .put("layers_unpacked", fetched.unpackedCount()).build();
    }

    /** The digest an image task may take from this run's relay instead of asking a registry; null if none. */
    static String relayedDigest(Map<String, Object> agentState, ImageReference ref) {
        Object digest = agentState.get(RELAYED + ref);
        return digest == null ? null : digest.toString();
    }

    private static Digest digest(String text) throws ModuleException {
        try {
            return Digest.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "image_relay: " + e.getMessage());
        }
    }
}

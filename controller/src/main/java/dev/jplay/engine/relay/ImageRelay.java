package dev.jplay.engine.relay;

import dev.jplay.engine.connection.AgentSession;
import dev.jplay.engine.connection.FileStaging;
import dev.jplay.protocol.AgentResult;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import dev.jplay.runtime.image.Descriptor;
import dev.jplay.runtime.image.ImageReference;
import dev.jplay.runtime.image.Platform;
import dev.jplay.runtime.registry.PullException;
import dev.jplay.runtime.registry.PullOptions;
import dev.jplay.runtime.registry.RegistryClient;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * Relays an image to a host that cannot reach the registry ({@link ImagePullMode#RELAY}): the controller resolves
 * and pulls it once into its {@link RelayCache}, asks the host's agent which blobs it lacks, writes each of those
 * beside the agent over SFTP on the host's SSH connection (a channel of its own, so the agent's request lines are
 * not held up) and has the agent ingest it ({@code image_relay}: size-bounded, digest-verified before the rename
 * into its content store). Last, the agent records the reference at the resolved digest and unpacks the layers,
 * without any registry; the image task that follows finds the image present.
 *
 * <p>One blob is staged on the host at a time and deleted by the agent once ingested (or refused), so the host's
 * extra disk use is one blob. Every step has a deadline: the registry's progress timeout on the controller, the
 * agent's module deadline on the host.
 */
public final class ImageRelay {
    /** Staged files older than this were left by an interrupted relay (a live one writes one blob at a time). */
    static final int STALE_MINUTES = 60;

    private final RelayCache cache;
    private final RelayRegistryAccess access = new RelayRegistryAccess();
    private final RelayProgress progress;

    public ImageRelay(RelayCache cache, RelayProgress progress) {
        this.cache = cache;
        this.progress = progress;
    }

    /** What a relay did on one host. */
    public record Outcome(String digest, int blobsSent, long bytesSent, int blobsPresent, long millis, boolean layersUnpacked) {
        public Map<String, Object> toData() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("digest", digest);
            m.put("blobs_sent", blobsSent);
            m.put("bytes_sent", bytesSent);
            m.put("blobs_present", blobsPresent);
            m.put("millis", millis);
            return m;
        }

        public boolean changed() {
            return blobsSent > 0 || layersUnpacked;
        }
    }

    /**
     * Relays the image {@code args.get(imageArg)} to the host of {@code session}.
     *
     * @param args the image or container task's arguments (registry access, platform, unpack bounds)
     */
    public Outcome relay(AgentSession session, String host, Map<String, Object> args, String imageArg) throws RelayException {
        long start = System.nanoTime();
        Object name = args.get(imageArg);
        if (name == null) throw failure(Step.ARGS, "ARG_MISSING", host, "relay: the task names no image ('" + imageArg + "')", null, null);
        ImageReference ref;
        try {
            ref = ImageReference.parse(name.toString());
        } catch (IllegalArgumentException e) {
            throw failure(Step.ARGS, "ARG_VALUE", host, imageArg + ": " + e.getMessage(), null, e);
        }
        Map<String, Object> probe = call(session, host, ref, Map.of("action", "missing", "digests", List.of()));
        Platform platform;
        try {
            Object given = args.get("platform");
            platform = Platform.parse(given != null ? given.toString() : String.valueOf(probe.get("platform")));
        } catch (IllegalArgumentException e) {
            throw failure(Step.ARGS, "ARG_VALUE", host, "platform: " + e.getMessage(), ref, e);
        }
        RelayCache.Image image = pull(host, ref, platform, args);
        List<String> digests = image.blobs().stream().map(b -> b.digest().toString()).toList();
        Map<String, Object> missingResult = call(session, host, ref, Map.of("action", "missing", "digests", digests));
        List<?> missing = missingResult.get("missing") instanceof List<?> l ? l : List.of();
        List<Descriptor> toSend = new ArrayList<>();
        for (Descriptor blob : image.blobs()) {
            if (missing.contains(blob.digest().toString())) toSend.add(blob);
        }
        long bytes = toSend.stream().mapToLong(Descriptor::size).sum();
        long sent = 0;
        if (!toSend.isEmpty()) {
            try (FileStaging staging = session.staging()) {
                staging.sweep(STALE_MINUTES);
                for (Descriptor blob : toSend) {
                    progress.update(host, ref, sent, bytes);
                    String path;
                    try (InputStream in = cache.store().open(blob.digest())) {
                        path = staging.put(blob.digest().hex(), in, blob.size());
                    } catch (IOException e) {
                        throw failure(Step.UPLOAD, "RELAY_UPLOAD_FAILED", host, "cannot send blob " + blob.digest() + " ("
                                + blob.size() + " bytes) over SSH: " + e.getMessage(), ref, e);
                    }
                    Map<String, Object> ingest = new LinkedHashMap<>();
                    ingest.put("action", "ingest");
                    ingest.put("path", path);
                    ingest.put("digest", blob.digest().toString());
                    ingest.put("size", blob.size());
                    call(session, host, ref, ingest);
                    sent += blob.size();
                }
            } catch (IOException e) {
                throw failure(Step.UPLOAD, "RELAY_UPLOAD_FAILED", host, "cannot open a file channel (SFTP) beside the agent: "
                        + e.getMessage(), ref, e);
            }
        }
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("action", "record");
        record.put("name", ref.toString());
        record.put("digest", image.resolvedDigest().toString());
        record.put("platform", platform.toString());
        for (String bound : List.of("unpack_max_ratio", "unpack_ratio_floor", "unpack_min_free")) {
            if (args.get(bound) != null) record.put(bound, args.get(bound));
        }
        if (args.containsKey("unpack")) record.put("unpack", args.get("unpack"));
        Map<String, Object> recorded = call(session, host, ref, record);
        long millis = (System.nanoTime() - start) / 1_000_000;
        progress.done(host, ref, sent, millis);
        Object unpacked = recorded.get("layers_unpacked");
        return new Outcome(image.resolvedDigest().toString(), toSend.size(), sent, image.blobs().size() - toSend.size(), millis,
                unpacked instanceof Number n && n.intValue() > 0);
    }

    private RelayCache.Image pull(String host, ImageReference ref, Platform platform, Map<String, Object> args) throws RelayException {
        Duration progressTimeout = args.get("pull_progress_timeout") instanceof Number n ? Duration.ofSeconds(n.longValue())
                : PullOptions.DEFAULT_PROGRESS_TIMEOUT;
        try {
            RegistryClient client = access.client(ref, args, progressTimeout);
            PullOptions options = PullOptions.builder().platform(platform).progressTimeout(progressTimeout).build();
            return cache.resolve(ref, platform, client, options);
        } catch (PullException e) {
            Failure f = e.failure("relay: the controller's pull of " + ref + " failed: " + e.getMessage());
            throw new RelayException(f.withDetail(detail(f.detail(), host, ref)), e);
        } catch (IOException e) {
            throw failure(Step.AUTH, "RELAY_REGISTRY_ACCESS", host, "relay: cannot set up the controller's registry access for "
                    + ref + ": " + e.getMessage(), ref, e);
        }
    }

    /** One {@code image_relay} call; a failed one is the relay's failure, with the agent's step and code. */
    private static Map<String, Object> call(AgentSession session, String host, ImageReference ref, Map<String, Object> args)
            throws RelayException {
        AgentResult r;
        try {
            r = session.call("image_relay", args).get();
        } catch (ExecutionException e) {
            throw failure(Step.AGENT, "RELAY_AGENT_LOST", host, "relay: the agent did not answer: " + e.getCause().getMessage(), ref, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(Step.AGENT, "INTERRUPTED", host, "relay interrupted", ref, e);
        }
        if (r.failed()) {
            Failure f = r.error() != null ? r.error() : new Failure(Step.FETCH, "RELAY_FAILED", String.valueOf(r.msg()));
            throw new RelayException(f.withMessage("relay of " + ref + " to " + host + ": " + f.message())
                    .withDetail(detail(f.detail(), host, ref)), null);
        }
        return r.data() == null ? Map.of() : r.data();
    }

    private static Map<String, Object> detail(Map<String, Object> given, String host, ImageReference ref) {
        Map<String, Object> d = new LinkedHashMap<>(given == null ? Map.of() : given);
        d.put("host", host);
        d.put("image", ref == null ? null : ref.toString());
        d.put("via", "relay");
        return d;
    }

    private static RelayException failure(Step step, String code, String host, String message, ImageReference ref, Throwable cause) {
        return new RelayException(Failure.builder(step, code, message).detail(detail(Map.of(), host, ref)).build(), cause);
    }
}

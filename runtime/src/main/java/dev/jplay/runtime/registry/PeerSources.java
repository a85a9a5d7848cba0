package dev.jplay.runtime.registry;

import dev.jplay.runtime.image.Digest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The fleet hosts one pull may take blobs from before the registry, in order, with the run's token; and what came
 * of it. A peer that refuses, lacks the blob, stalls past {@link #stallTimeout} or sends bytes that do not match
 * the digest of the manifest this host resolved itself is dropped for the rest of the pull and the blob is taken
 * from the next peer, finally from the registry ({@link #drops()} says why). Nothing is kept from a dropped peer.
 * One instance per pull.
 */
public final class PeerSources {
    /** Drop causes, stable codes in results. */
    public static final String UNREACHABLE = "PEER_UNREACHABLE";
    public static final String REFUSED = "PEER_REFUSED";
    public static final String NOT_FOUND = "PEER_NOT_FOUND";
    public static final String STALLED = "PEER_STALLED";
    public static final String BROKE_OFF = "PEER_BROKE_OFF";
    public static final String ANSWERED = "PEER_HTTP";
    /** Default: a peer that sends nothing for this long is dropped (its own source stalled, or it is gone). */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofSeconds(30);

    private final List<PeerSource> sources;
    private final byte[] token;
    private final Duration stallTimeout;
    private final Set<PeerSource> dropped = ConcurrentHashMap.newKeySet();
    private final List<Drop> drops = new CopyOnWriteArrayList<>();
    private final AtomicLong fromPeers = new AtomicLong();
    private final AtomicLong blobsFromPeers = new AtomicLong();

    /** Why a peer was dropped: the blob it failed, a stable code ({@code PEER_*}, {@code DIGEST_MISMATCH}, ...), the detail. */
    public record Drop(PeerSource peer, Digest digest, String code, String message) {
    }

    public PeerSources(List<PeerSource> sources, byte[] token, Duration stallTimeout) {
        this.sources = List.copyOf(sources);
        this.token = token.clone();
        this.stallTimeout = stallTimeout == null ? DEFAULT_STALL_TIMEOUT : stallTimeout;
    }

    /** The peers not dropped yet, in order of preference. */
    List<PeerSource> live() {
        List<PeerSource> live = new ArrayList<>(sources);
        live.removeAll(dropped);
        return live;
    }

    BlobPuller.Body open(PeerSource peer, Digest digest) throws PullException {
        return peer.open(digest, token, stallTimeout);
    }

    void drop(PeerSource peer, Digest digest, PullException why) {
        dropped.add(peer);
        String message = why.getMessage();
        // A failed verification names the registry's URL; the bytes came from the peer.
        if (why.url() != null && !why.url().startsWith(peer.uri(digest).toString())) message = message.replace(" [" + why.url() + "]", "");
        drops.add(new Drop(peer, digest, why.code(), message));
    }

    void received(long bytes) {
        fromPeers.addAndGet(bytes);
        blobsFromPeers.incrementAndGet();
    }

    public List<PeerSource> sources() {
        return sources;
    }

    public List<Drop> drops() {
        return List.copyOf(drops);
    }

    /** Blob bytes that came from peers (verified). */
    public long bytesFromPeers() {
        return fromPeers.get();
    }

    public long blobsFromPeers() {
        return blobsFromPeers.get();
    }
}

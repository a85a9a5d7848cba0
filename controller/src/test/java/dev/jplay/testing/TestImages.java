package dev.jplay.testing;

import dev.jplay.engine.devimage.BusyboxImage;
import dev.jplay.engine.devimage.RegistryUpload;
import dev.jplay.runtime.image.ImageReference;
import java.util.List;

/** Real images in a real registry: the busybox web-server image of {@code jplay dev push-busybox-image}. */
public final class TestImages {
    private TestImages() {}

    /** A pushed image: its reference (registry/repo:tag) and manifest digest. */
    public record Pushed(String reference, String digest, BusyboxImage image) {}

    /**
     * Builds the busybox httpd image ({@code /www/index.html} = {@code indexHtml}, default command
     * {@code httpd -f -p 8080 -h /www}) and pushes it to {@code registry} as {@code repositoryAndTag}.
     */
    public static Pushed pushBusybox(RegistryServer registry, String repositoryAndTag, String indexHtml) throws Exception {
        return push(registry, repositoryAndTag, BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, indexHtml));
    }

    /** The busybox image with another default command, e.g. a release that never serves. */
    public static Pushed pushBusybox(RegistryServer registry, String repositoryAndTag, String indexHtml, List<String> cmd) throws Exception {
        return push(registry, repositoryAndTag, BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, indexHtml, cmd));
    }

    /** Pushes an image built by the caller (e.g. the busybox image with a layer of its own). */
    public static Pushed push(RegistryServer registry, String repositoryAndTag, BusyboxImage image) throws Exception {
        ImageReference ref = ImageReference.parse(registry.hostPort() + "/" + repositoryAndTag);
        String digest = new RegistryUpload(registry.hostPort(), true).push(ref, image);
        return new Pushed(ref.toString(), digest, image);
    }
}

package dev.jplay.testing;

import dev.jplay.engine.devimage.BusyboxImage;
import dev.jplay.engine.devimage.RegistryUpload;
import dev.jplay.runtime.image.ImageReference;

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
        ImageReference ref = ImageReference.parse(registry.hostPort() + "/" + repositoryAndTag);
        BusyboxImage image = BusyboxImage.build(BusyboxImage.DEFAULT_BUSYBOX, indexHtml);
        String digest = new RegistryUpload(registry.hostPort(), true).push(ref, image);
        return new Pushed(ref.toString(), digest, image);
    }
}

package dev.jplay.engine.devimage;

import dev.jplay.runtime.image.ImageReference;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Pushes a {@link BusyboxImage} with the plain distribution API: HEAD each blob, upload the missing ones (POST, then
 * one monolithic PUT), then PUT the manifest under the tag. Anonymous only: meant for a local test registry.
 */
public final class RegistryUpload {
    private final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** @param insecure plain http instead of https */
    public RegistryUpload(String registryHostPort, boolean insecure) {
        this.base = URI.create((insecure ? "http" : "https") + "://" + registryHostPort + "/");
    }

    /** Pushes every blob and the manifest; returns the manifest digest the tag now points at. */
    public String push(ImageReference ref, BusyboxImage image) throws IOException {
        if (ref.tag() == null) throw new IllegalArgumentException("push needs a tag: " + ref);
        for (BusyboxImage.Layer layer : image.layers()) blob(ref.repository(), layer.blob());
        blob(ref.repository(), image.config());
        HttpResponse<String> put = send(HttpRequest.newBuilder(base.resolve("v2/" + ref.repository() + "/manifests/" + ref.tag()))
                .header("Content-Type", image.manifest().mediaType())
                .PUT(HttpRequest.BodyPublishers.ofByteArray(image.manifest().bytes())));
        expect(put, 201, "PUT manifest " + ref);
        return image.manifest().digest().toString();
    }

    private void blob(String repository, BusyboxImage.Blob blob) throws IOException {
        URI uri = base.resolve("v2/" + repository + "/blobs/" + blob.digest());
        if (send(HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody())).statusCode() == 200) return;
        HttpResponse<String> start = send(HttpRequest.newBuilder(base.resolve("v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(start, 202, "start upload to " + repository);
        URI location = base.resolve(start.headers().firstValue("Location")
                .orElseThrow(() -> new IOException("upload to " + repository + ": 202 without Location")));
        String separator = location.getRawQuery() == null ? "?" : "&";
        HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(location + separator + "digest=" + blob.digest()))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob.bytes())));
        expect(put, 201, "upload of " + blob.digest());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException {
        HttpRequest built = request.timeout(Duration.ofMinutes(2)).build();
        try {
            return http.send(built, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + built.method() + " " + built.uri(), e);
        } catch (IOException e) {
            throw new IOException(built.method() + " " + built.uri() + " failed: " + e, e);
        }
    }

    private static void expect(HttpResponse<String> response, int status, String what) throws IOException {
        if (response.statusCode() != status) {
            throw new IOException(what + ": HTTP " + response.statusCode() + " from " + response.uri() + ": " + response.body());
        }
    }
}

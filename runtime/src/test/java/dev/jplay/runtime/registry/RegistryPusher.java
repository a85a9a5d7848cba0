package dev.jplay.runtime.registry;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/** Pushes test images with the plain registry API: blob upload (POST + monolithic PUT) and manifest PUT. */
final class RegistryPusher {
    private final URI base;
    private final HttpClient http;
    private final Supplier<String> authorization;

    RegistryPusher(URI base, SSLContext ssl, Supplier<String> authorization) {
        this.base = base;
        HttpClient.Builder builder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1);
        if (ssl != null) builder.sslContext(ssl);
        this.http = builder.build();
        this.authorization = authorization;
    }

    RegistryPusher(URI base) {
        this(base, null, () -> null);
    }

    void push(String repository, String tag, TestImage image) throws Exception {
        for (TestImage.Layer layer : image.layers) pushBlob(repository, layer.blob());
        pushBlob(repository, image.config);
        pushManifest(repository, tag, image.manifest);
    }

    void pushBlob(String repository, TestImage.Blob blob) throws Exception {
        HttpResponse<String> head = send(HttpRequest.newBuilder(base.resolve("/v2/" + repository + "/blobs/" + blob.digest()))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        if (head.statusCode() == 200) return;
        HttpResponse<String> start = send(HttpRequest.newBuilder(base.resolve("/v2/" + repository + "/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(start, 202, "start upload");
        URI location = base.resolve(start.headers().firstValue("Location").orElseThrow());
        String separator = location.getRawQuery() == null ? "?" : "&";
        HttpResponse<String> put = send(HttpRequest.newBuilder(URI.create(location + separator + "digest=" + blob.digest()))
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob.bytes())));
        expect(put, 201, "finish upload of " + blob.digest());
    }

    void pushManifest(String repository, String reference, TestImage.Blob manifest) throws Exception {
        pushManifest(repository, reference, manifest.mediaType(), manifest.bytes());
    }

    void pushManifest(String repository, String reference, String contentType, byte[] bytes) throws Exception {
        HttpResponse<String> put = send(HttpRequest.newBuilder(base.resolve("/v2/" + repository + "/manifests/" + reference))
                .header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        expect(put, 201, "put manifest " + repository + ":" + reference);
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        String auth = authorization.get();
        if (auth != null) request.header("Authorization", auth);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void expect(HttpResponse<String> response, int status, String what) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(what + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }
}

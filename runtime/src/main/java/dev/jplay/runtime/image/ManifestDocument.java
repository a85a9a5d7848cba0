package dev.jplay.runtime.image;

import dev.jplay.protocol.Json;
import java.io.IOException;
import java.util.Map;

/**
 * A fetched manifest or index, parsed only after its declared type is checked against its shape.
 *
 * <p>Why so strict: a document that parses both as a manifest and as an index can be read differently by
 * two clients (CVE-2021-41190). So the {@code mediaType} field, the HTTP Content-Type and the JSON shape
 * (has {@code manifests} vs has {@code config}/{@code layers}) must all agree, and a document with both
 * shapes is refused.
 */
public record ManifestDocument(Digest digest, String mediaType, byte[] bytes, ImageManifest manifest, ImageIndex index) {
    public boolean isIndex() {
        return index != null;
    }

    /**
     * @param contentType the HTTP Content-Type, or null when read from the local store (then the stored media
     *     type is passed here)
     */
    public static ManifestDocument parse(byte[] bytes, String contentType) throws ManifestFormatException {
        Object parsed;
        try {
            parsed = Json.parse(bytes);
        } catch (IOException e) {
            throw new ManifestFormatException(ManifestFormatException.INVALID_MANIFEST, "manifest is not valid JSON: " + e.getMessage(), e);
        }
        if (!(parsed instanceof Map)) {
            throw new ManifestFormatException(ManifestFormatException.INVALID_MANIFEST, "manifest is not a JSON object");
        }
        Map<String, Object> root = Json.asObject(parsed);
        boolean looksLikeIndex = root.containsKey("manifests");
        boolean looksLikeManifest = root.containsKey("config") || root.containsKey("layers");
        if (looksLikeIndex && looksLikeManifest) {
            throw new ManifestFormatException(ManifestFormatException.MEDIATYPE_MISMATCH,
                    "document has both 'manifests' and 'config'/'layers': ambiguous between index and manifest");
        }
        String field;
        try {
            field = Json.string(root, "mediaType");
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException(ManifestFormatException.INVALID_MANIFEST, "malformed manifest: " + e.getMessage(), e);
        }
        String header = MediaTypes.base(contentType);
        boolean headerKnown = header != null && (MediaTypes.isIndex(header) || MediaTypes.isManifest(header));
        if (field != null && headerKnown && !field.equals(header)) {
            throw new ManifestFormatException(ManifestFormatException.MEDIATYPE_MISMATCH,
                    "mediaType field '" + field + "' disagrees with Content-Type '" + header + "'");
        }
        String mediaType = field != null ? field : headerKnown ? header : null;
        if (mediaType == null) {
            mediaType = looksLikeIndex ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        }
        boolean declaredIndex = MediaTypes.isIndex(mediaType);
        if (!declaredIndex && !MediaTypes.isManifest(mediaType)) {
            throw new ManifestFormatException(ManifestFormatException.INVALID_MANIFEST, "unsupported manifest media type '" + mediaType + "'");
        }
        if (declaredIndex && !looksLikeIndex || !declaredIndex && !looksLikeManifest) {
            throw new ManifestFormatException(ManifestFormatException.MEDIATYPE_MISMATCH,
                    "media type '" + mediaType + "' does not match the document's shape (" + (looksLikeIndex ? "an index" : "a manifest") + ")");
        }
        try {
            Digest digest = Digest.of(bytes);
            if (declaredIndex) {
                return new ManifestDocument(digest, mediaType, bytes, null, ImageIndex.fromJson(root));
            }
            ImageManifest manifest = ImageManifest.fromJson(root);
            if (manifest.config() == null) {
                throw new ManifestFormatException(ManifestFormatException.INVALID_MANIFEST, "manifest has no config descriptor");
            }
            return new ManifestDocument(digest, mediaType, bytes, manifest, null);
        } catch (IllegalArgumentException e) {
            throw new ManifestFormatException(ManifestFormatException.INVALID_MANIFEST, "malformed " + mediaType + ": " + e.getMessage(), e);
        }
    }
}

package dev.jplay.runtime.image;

import java.util.regex.Pattern;

/**
 * A parsed image reference, {@code [registry[:port]/]repository[:tag][@sha256:hex]}, normalized the way Docker
 * does: no registry means {@code docker.io}, a one-part Docker Hub name gets {@code library/}, and neither tag nor
 * digest means {@code latest}. {@link #tag()} is null when only a digest was given.
 */
public record ImageReference(String registry, String repository, String tag, Digest digest) {
    public static final String DOCKER_HUB = "docker.io";
    private static final String DOCKER_HUB_API_HOST = "registry-1.docker.io";
    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DOMAIN = Pattern.compile(
            "(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*(?::[0-9]{1,5})?"
                    + "|\\[[0-9A-Fa-f:]+\\](?::[0-9]{1,5})?");
    private static final int MAX_NAME_LENGTH = 255;

    public ImageReference {
        if (registry == null || registry.isEmpty()) throw new IllegalArgumentException("registry is required");
        if (repository == null || repository.isEmpty()) throw new IllegalArgumentException("repository is required");
        if (tag == null && digest == null) throw new IllegalArgumentException("a tag or a digest is required");
    }

    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) throw invalid(text, "empty reference");
        if (!text.equals(text.strip())) throw invalid(text, "surrounding whitespace");
        String rest = text;
        Digest digest = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            try {
                digest = Digest.parse(rest.substring(at + 1));
            } catch (IllegalArgumentException e) {
                throw invalid(text, e.getMessage());
            }
            rest = rest.substring(0, at);
        }
        String tag = null;
        int lastColon = rest.lastIndexOf(':');
        if (lastColon > rest.lastIndexOf('/')) {
            tag = rest.substring(lastColon + 1);
            if (!TAG.matcher(tag).matches()) throw invalid(text, "invalid tag '" + tag + "'");
            rest = rest.substring(0, lastColon);
        }
        String registry = DOCKER_HUB;
        String path = rest;
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost") || first.startsWith("[")) {
                if (!DOMAIN.matcher(first).matches()) throw invalid(text, "invalid registry host '" + first + "'");
                registry = first.equals("index.docker.io") ? DOCKER_HUB : first;
                path = rest.substring(slash + 1);
            }
        }
        if (path.isEmpty()) throw invalid(text, "missing repository name");
        for (String component : path.split("/", -1)) {
            if (!COMPONENT.matcher(component).matches()) {
                throw invalid(text, "invalid repository component '" + component + "'"
                        + (component.chars().anyMatch(Character::isUpperCase) ? " (must be lowercase)" : ""));
            }
        }
        if (registry.equals(DOCKER_HUB) && !path.contains("/")) path = "library/" + path;
        if (path.length() > MAX_NAME_LENGTH) throw invalid(text, "repository name longer than " + MAX_NAME_LENGTH);
        if (tag == null && digest == null) tag = "latest";
        return new ImageReference(registry, path, tag, digest);
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("invalid image reference '" + text + "': " + why);
    }

    /** The manifest reference used in {@code /v2/<name>/manifests/<reference>}: the digest if pinned, else the tag. */
    public String manifestReference() {
        return digest != null ? digest.toString() : tag;
    }

    /** The host[:port] to talk to: Docker Hub's API lives on a different host than its name. */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API_HOST : registry;
    }

    public ImageReference withDigest(Digest newDigest) {
        return new ImageReference(registry, repository, tag, newDigest);
    }

    /** The same repository at another manifest (an index's child). */
    public ImageReference atDigest(Digest newDigest) {
        return new ImageReference(registry, repository, null, newDigest);
    }

    @Override
    public String toString() {
        return registry + "/" + repository + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}

package dev.jplay.runtime.unpack;

/** Turns tar entry names into layer-relative paths the way tar does, but refusing anything that could escape. */
final class EntryPaths {
    private EntryPaths() {}

    /**
     * Normalizes {@code name}: leading slashes and {@code .} components are dropped (tar strips {@code /}),
     * repeated slashes collapse. Returns {@code ""} for the layer root.
     *
     * @throws UnpackException for {@code ..} components or NUL bytes, which have no safe meaning in a layer
     */
    static String normalize(String name) throws UnpackException {
        StringBuilder out = new StringBuilder(name.length());
        int start = 0;
        int length = name.length();
        while (start <= length) {
            int slash = name.indexOf('/', start);
            int end = slash < 0 ? length : slash;
            String part = name.substring(start, end);
            if (part.equals("..")) {
                throw new UnpackException("entry '" + name + "' has a '..' component");
            }
            if (!part.isEmpty() && !part.equals(".")) {
                if (part.indexOf('\0') >= 0) {
                    throw new UnpackException("entry '" + name + "' contains a NUL byte");
                }
                if (out.length() > 0) {
                    out.append('/');
                }
                out.append(part);
            }
            start = end + 1;
        }
        return out.toString();
    }

    /** The parent of a normalized path, {@code ""} for top-level names. */
    static String parent(String rel) {
        int slash = rel.lastIndexOf('/');
        return slash < 0 ? "" : rel.substring(0, slash);
    }

    /** The last component of a normalized, non-root path. */
    static String baseName(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }

    static String child(String parent, String name) {
        return parent.isEmpty() ? name : parent + "/" + name;
    }
}

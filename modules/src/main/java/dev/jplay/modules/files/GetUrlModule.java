package dev.jplay.modules.files;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.modules.http.HttpRequests;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;

/**
 * {@code get_url}: downloads {@code url} to {@code dest} on the host. Idempotent as Ansible's: with
 * {@code checksum: sha256:HEX} a {@code dest} that has it is left alone (and a download that lacks it fails,
 * {@code CHECKSUM_MISMATCH}, leaving {@code dest} as it was); without one an existing {@code dest} is kept
 * unless {@code force}. The body streams into a temp file beside {@code dest}, is verified, gets
 * {@code mode}/{@code owner}/{@code group}, then is renamed over it. {@code timeout} (10 s, as Ansible) bounds
 * the connection and each read (a stalled transfer); the whole transfer is bounded by the task's deadline.
 */
public final class GetUrlModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("url", "dest", "checksum", "mode", "owner", "group", "force",
            "timeout", "headers", "backup");

    @Override
    public String name() { return "get_url"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        URI url = HttpRequests.url(name(), args);
        String expected = expectedSha256(args.string("checksum", null));
        FileAttributes attributes = FileAttributes.from(args, name());
        Duration timeout = HttpRequests.timeout(args, 10);
        Path dest = Path.of(args.string("dest")).toAbsolutePath();
        if (Files.isDirectory(dest)) {
            String file = Path.of(url.getPath().isEmpty() ? "/" : url.getPath()).getFileName() == null ? null
                    : Path.of(url.getPath()).getFileName().toString();
            if (file == null || file.isEmpty()) {
                throw new ModuleException(Step.ARGS, "DEST_IS_DIRECTORY", "get_url: dest " + dest
                        + " is a directory and the url names no file; give the file name in dest");
            }
            dest = dest.resolve(file);
        }
        try {
            FileInfo before = FileInfo.read(dest, true);
            String current = before.isFile() ? Sha256.of(dest) : null;
            boolean keep = current != null && (expected != null ? expected.equals(current) : !args.bool("force", false));
            ModuleResult.Builder result = ModuleResult.ok().put("dest", dest.toString()).put("url", url.toString());
            if (keep) {
                boolean attrs = attributes.differ(before);
                if (attrs && ctx.diff()) result.diff(before.summary(), attributes.expected(before));
                if (attrs && !ctx.check()) attributes.apply(dest);
                return result.changed(attrs).put("checksum_dest", current).msg(attrs ? "attributes changed" : "file already exists").build();
            }
            if (ctx.check()) { // also when the directory does not exist yet: an earlier task would create it
                if (ctx.diff()) result.diff(before.exists() ? before.summary() : "", "downloaded from " + url);
                return result.changed(true).msg("would download " + url).build();
            }
            if (!Files.isDirectory(dest.getParent())) {
                throw new ModuleException(Step.EXEC, "DEST_DIR_MISSING", "get_url: directory " + dest.getParent() + " does not exist");
            }
            ctx.activity().now(Step.EXEC, "downloading " + url + " to " + dest);
            try (HttpRequests.Exchange response = HttpRequests.send(name(), url, "GET", args.map("headers"), null, timeout, null)) {
                if (response.status() != 200) {
                    throw new ModuleException(Step.EXEC, "HTTP_STATUS", "get_url: GET " + url + " answered " + response.status()
                            + ", not 200").detail("status", response.status()).detail("url", url.toString());
                }
                InputStream body = response.body();
                if (args.bool("backup", false) && before.isFile()) result.put("backup_file", CopyModule.backup(dest).toString());
                Path target = dest;
                AtomicFileWriter.write(name(), dest, body::transferTo, attributes, before, temp -> {
                    String got;
                    try {
                        got = Sha256.of(temp);
                    } catch (IOException e) {
                        throw new ModuleException(Step.EXEC, "WRITE_FAILED", "get_url: cannot read back " + temp + ": " + e, e);
                    }
                    result.put("checksum_dest", got);
                    if (expected != null && !expected.equals(got)) {
                        throw new ModuleException(Step.EXEC, "CHECKSUM_MISMATCH", "get_url: " + url + " has sha256 " + got
                                + ", not the expected " + expected + "; " + target + " left as it was")
                                .detail("expected", expected).detail("actual", got);
                    }
                });
            }
            String got = (String) result.build().data().get("checksum_dest");
            boolean changed = !got.equals(current) || attributes.differ(before);
            result.put("size", Files.size(dest)).put("status_code", 200);
            return result.changed(changed).msg(changed ? "downloaded" : "downloaded the same content").build();
        } catch (IOException e) {
            throw new ModuleException(Step.EXEC, "GET_URL_FAILED", "get_url: cannot write " + dest + ": " + e, e);
        }
    }

    /** {@code sha256:HEX} as lower-case hex; null without a checksum. Other algorithms are refused. */
    static String expectedSha256(String checksum) throws ModuleException {
        if (checksum == null || checksum.isBlank()) return null;
        int colon = checksum.indexOf(':');
        String algorithm = colon < 0 ? "" : checksum.substring(0, colon).strip().toLowerCase(Locale.ROOT);
        String hex = colon < 0 ? "" : checksum.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
        if (!algorithm.equals("sha256") || !hex.matches("[0-9a-f]{64}")) {
            throw new ModuleException(Step.ARGS, "ARG_VALUE", "get_url: checksum must be sha256:<64 hex digits>, got '"
                    + checksum + "'");
        }
        return hex;
    }
}

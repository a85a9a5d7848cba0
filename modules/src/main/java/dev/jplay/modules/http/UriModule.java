package dev.jplay.modules.http;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code uri}: one HTTP request from the host, as Ansible's: {@code url}, {@code method} (GET), {@code status_code}
 * (one or a list; default 200: any other status fails the task, with the status in the result), {@code
 * return_content}, {@code body} with {@code body_format} raw, json (a mapping or list sent as JSON) or
 * form-urlencoded, {@code headers}, {@code timeout} (30 s; the deadline of the whole exchange). Never changed.
 * In check mode only GET and HEAD are sent (they change nothing); other methods are reported, not sent.
 */
public final class UriModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("url", "method", "status_code", "return_content", "body",
            "body_format", "headers", "timeout");
    /** What return_content keeps: an answer this long is a download, not a status check. */
    static final int MAX_CONTENT_BYTES = 1024 * 1024;

    @Override
    public String name() { return "uri"; }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        URI url = HttpRequests.url(name(), args);
        String method = args.string("method", "GET").toUpperCase(java.util.Locale.ROOT);
        List<Integer> expected = statusCodes(args);
        Duration timeout = HttpRequests.timeout(args, 30);
        Map<String, Object> headers = new LinkedHashMap<>(args.map("headers"));
        String body = body(args, headers);
        if (ctx.check() && !method.equals("GET") && !method.equals("HEAD")) {
            return ModuleResult.ok().put("url", url.toString()).msg("not sent in check mode: " + method + " may change " + url).build();
        }
        ctx.activity().now(Step.EXEC, method + " " + url);
        ModuleResult.Builder result = ModuleResult.ok().put("url", url.toString());
        int status;
        try (HttpRequests.Exchange exchange = HttpRequests.send(name(), url, method, headers,
                body == null ? null : body.getBytes(StandardCharsets.UTF_8), timeout, timeout)) {
            status = exchange.status();
            result.put("status", status).put("redirected", !url.equals(exchange.finalUrl()));
            String contentType = exchange.header("Content-Type");
            if (contentType != null) result.put("content_type", contentType);
            byte[] b = exchange.readBody(MAX_CONTENT_BYTES);
            if (args.bool("return_content", false)) {
                String text = new String(b, StandardCharsets.UTF_8);
                result.put("content", text);
                if (contentType != null && contentType.contains("json")) result.put("json", parseJson(text));
            }
        }
        if (!expected.contains(status)) {
            return result.failed(true).msg("Status code was " + status + " and not " + expected
                    + ": " + method + " " + url).build();
        }
        return result.msg("OK (" + status + ")").build();
    }

    private static List<Integer> statusCodes(ModuleArgs args) throws ModuleException {
        if (!args.has("status_code")) return List.of(200);
        List<Integer> out = new ArrayList<>();
        Object raw = args.raw().get("status_code");
        for (String s : raw instanceof Number n ? List.of(String.valueOf(n)) : args.strings("status_code")) {
            for (String part : s.split(",")) {
                try {
                    out.add(Integer.parseInt(part.strip()));
                } catch (NumberFormatException e) {
                    throw new ModuleException(Step.ARGS, "ARG_VALUE", "uri: status_code must be numbers, got '" + s + "'");
                }
            }
        }
        return out;
    }

    private static String body(ModuleArgs args, Map<String, Object> headers) throws ModuleException {
        Object body = args.raw().get("body");
        if (body == null) return null;
        String format = args.string("body_format", "raw");
        switch (format) {
            case "raw":
                return String.valueOf(body);
            case "json":
                headers.putIfAbsent("Content-Type", "application/json");
                return body instanceof String s ? s : dev.jplay.protocol.Json.writeString(body);
            case "form-urlencoded":
                headers.putIfAbsent("Content-Type", "application/x-www-form-urlencoded");
                if (!(body instanceof Map<?, ?> m)) return String.valueOf(body);
                List<String> pairs = new ArrayList<>();
                m.forEach((k, v) -> pairs.add(URLEncoder.encode(String.valueOf(k), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8)));
                return String.join("&", pairs);
            default:
                throw new ModuleException(Step.ARGS, "ARG_VALUE", "uri: body_format must be raw, json or form-urlencoded, got '" + format + "'");
        }
    }

    /** The parsed JSON, or null when the text is not JSON (the content type lied). */
    private static Object parseJson(String text) {
        try {
            return dev.jplay.protocol.Json.parse(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}

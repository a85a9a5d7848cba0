package dev.jplay.containers;

import dev.jplay.testing.ClientNamespace;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client of a fleet service for tests: from {@link ClientNamespace}'s network namespace, one {@code GET /} per
 * request on a new connection at a steady {@code rate} per second, for at most {@code maxSeconds} (bounded in count and
 * time), each answer's body ({@code ok BODY}) or failure ({@code fail WHY}) one line in a file.
 */
final class ServiceLoad {
    private final Process process;
    private final Path stop;
    private final Path out;

    private ServiceLoad(Process process, Path stop, Path out) {
        this.process = process;
        this.stop = stop;
        this.out = out;
    }

    record Result(List<String> ok, List<String> failures) {}

    private static final String SCRIPT = """
            import os, socket, sys, time
            host, port, rate, limit, stop = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
            start = time.time()
            n = 0
            while time.time() - start < limit and n < rate * limit and not os.path.exists(stop):
                due = start + n / rate
                if due > time.time(): time.sleep(due - time.time())
                n += 1
                try:
                    s = socket.create_connection((host, port), timeout=3)
                    s.settimeout(3)
                    s.sendall(b"GET / HTTP/1.0\\r\\n\\r\\n")
                    data = b""
                    while True:
                        chunk = s.recv(4096)
                        if not chunk: break
                        data += chunk
                    s.close()
                    head, _, body = data.partition(b"\\r\\n\\r\\n")
                    if not head.startswith(b"HTTP/1.") or b" 200 " not in head.split(b"\\r\\n")[0]:
                        print("fail", head.split(b"\\r\\n")[0].decode(errors="replace") or "empty answer", flush=True)
                    else:
                        print("ok", body.decode(errors="replace").strip(), flush=True)
                except Exception as e:
                    print("fail", type(e).__name__, e, flush=True)
            """;

    /** Starts sending to {@code host:port} from {@code client}; files in {@code work}. */
    static ServiceLoad start(Path work, ClientNamespace client, String host, int port, int rate, int maxSeconds) throws IOException {
        Path stop = Files.createTempFile(work, "stop", "");
        Files.delete(stop);
        Path out = Files.createTempFile(work, "load", ".txt");
        ProcessBuilder pb = new ProcessBuilder("ip", "netns", "exec", client.name(), "/usr/bin/python3", "-c", SCRIPT, host,
                String.valueOf(port), String.valueOf(rate), String.valueOf(maxSeconds), stop.toString());
        pb.redirectOutput(out.toFile());
        pb.redirectError(ProcessBuilder.Redirect.appendTo(out.toFile()));
        return new ServiceLoad(pb.start(), stop, out);
    }

    /** Lets it send {@code requests} more (bounded by its own time limit), then stops it. */
    Result stopAfter(int requests) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Files.readAllLines(out).size() < requests && process.isAlive() && System.nanoTime() < deadline) {
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        return stop();
    }

    Result stop() throws Exception {
        Files.writeString(stop, "");
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the load client did not stop");
        }
        List<String> ok = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            if (line.startsWith("ok ")) ok.add(line.substring(3));
            else failures.add(line);
        }
        return new Result(ok, failures);
    }
}

package dev.jplay.runtime.network;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs inside a test-fleet host (its network and mount namespaces), as the agent would:
 * {@code up STATE_DIR CONTAINER IP PREFIX GATEWAY TOKEN} attaches CONTAINER on jplay0 and serves TOKEN with busybox
 * httpd on IP:8080 inside the container's namespace; {@code down STATE_DIR CONTAINER} stops httpd and detaches;
 * {@code get URL} prints the body (retrying while httpd starts; busybox wget crashes on this machine).
 */
public final class FleetProbe {
    private FleetProbe() {}

    public static void main(String[] args) throws Exception {
        if (args[0].equals("get")) {
            System.out.print(get(args[1]));
            return;
        }
        Path stateDir = Path.of(args[1]);
        String container = args[2];
        CniNetworks networks = new CniNetworks(stateDir);
        Path pidFile = stateDir.resolve(container + ".httpd.pid");
        if (args[0].equals("up")) {
            AttachResult result = networks.attach(container, NetworkAttachment.of(args[3], Integer.parseInt(args[4]), args[5]));
            Path www = Files.createDirectories(stateDir.resolve("www-" + container));
            Files.writeString(www.resolve("index.html"), args[6], StandardCharsets.UTF_8);
            // timeout: if the test's cleanup never comes, httpd (and with it the namespace) still goes away
            Process httpd = new ProcessBuilder("setsid", "timeout", "120", "nsenter", "--net=" + result.netnsPath(),
                    "/bin/busybox", "httpd", "-f", "-p", result.ip() + ":8080", "-h", www.toString())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Files.writeString(pidFile, String.valueOf(httpd.pid()));
            System.out.println("ATTACHED netns=" + result.netnsPath() + " bridge=" + result.attachment().bridge()
                    + " veth=" + result.hostInterface() + " changed=" + result.changed());
        } else if (args[0].equals("down")) {
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(p -> {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                });
                Files.delete(pidFile);
            }
            System.out.println("DETACHED=" + networks.detach(container));
        }
    }

    private static String get(String url) throws Exception {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (true) {
            try {
                return client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
            } catch (IOException notYetListening) {
                if (System.nanoTime() > deadline) throw notYetListening;
                Thread.sleep(20);
            }
        }
    }
}

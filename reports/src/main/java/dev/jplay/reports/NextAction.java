package dev.jplay.reports;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** One suggested next step for a failure, derived from its step and code: what a person would try first. */
public final class NextAction {
    private static final Set<String> REGISTRY_STEPS = Set.of("resolve", "manifest", "fetch", "verify", "pull");

    private NextAction() {}

    public static String suggest(FailureInfo f) {
        String step = f.step() == null ? "" : f.step().toLowerCase(Locale.ROOT);
        String code = f.code() == null ? "" : f.code().toUpperCase(Locale.ROOT);
        FailureCause.Endpoint e = FailureCause.endpoint(f);
        String host = f.host() == null ? "the host" : f.host();
        String address = e != null ? e.address() : host;
        int port = e != null ? e.port() : 22;
        String ssh = e != null ? e.ssh() : "ssh -p 22 USER@" + host;
        String where = f.location() == null ? "the task" : f.location();
        Map<String, Object> d = f.detail() == null ? Map.of() : f.detail();

        if (code.equals("TIMEOUT")) return timeout(step, d, host, ssh);
        if (REGISTRY_STEPS.contains(step) || code.startsWith("REGISTRY_")) return registry(step, code, d, host);
        return switch (step) {
            case "connect" -> switch (code) {
                case "UNKNOWN_HOST" -> "the name does not resolve: check the host's address in the inventory (ansible_host) and DNS: getent hosts " + address;
                case "CONNECT_REFUSED" -> "nothing listens on port " + port + ": check that sshd runs on " + host + " and the port is right: " + ssh;
                default -> "check the host is up and reachable on port " + port + " (firewall, routing): " + ssh;
            };
            case "hostkey" -> switch (code) {
                case "HOST_KEY_MISMATCH" -> "if " + host + " was reinstalled, remove its old key (ssh-keygen -R '[" + address + "]:" + port
                        + "') and record the new one after checking its fingerprint; otherwise treat it as an attack";
                case "KNOWN_HOSTS_UNREADABLE" -> "make the known_hosts file readable, or point --known-hosts at the right file";
                default -> "check the key's fingerprint, then record it: ssh-keyscan -p " + port + " " + address
                        + " >> ~/.ssh/known_hosts (or run once with --host-key-checking accept-new)";
            };
            case "auth" -> switch (code) {
                case "NO_IDENTITY" -> "give a key: ansible_ssh_private_key_file in the inventory, or add ~/.ssh/id_ed25519";
                case "KEY_UNREADABLE" -> "check the identity file exists and is readable by this user (chmod 600)";
                case "KEY_PASSPHRASE" -> "the key is encrypted: give its passphrase, or load it into ssh-agent";
                default -> "check the user and that its authorized_keys holds your key: " + ssh + " -o PreferredAuthentications=publickey";
            };
            case "upload" -> "check free space and permissions of the agent directory on " + host + ": " + ssh + " df -h";
            case "agent" -> switch (code) {
                case "JAVA_MISSING", "JAVA_TOO_OLD" -> "install Java 17 or newer on " + host + ": apt-get install -y openjdk-17-jre-headless";
                default -> "start the agent by hand to see why it stops: " + ssh + " java -version; then read the agent's stderr above";
            };
            case "exec" -> switch (code) {
                case "NON_ZERO_RC" -> "run the command on " + host + " to reproduce it" + (d.get("rc") == null ? "" : " (it exited " + d.get("rc") + ")")
                        + (e == null ? "" : ": " + ssh) + ", and read its stderr";
                case "TIMEOUT" -> "the task ran past its timeout: run it on " + host + " to see what hangs, or raise the task's timeout";
                default -> "run the task's module on " + host + " again with -vv and read its stderr";
            };
            case "template" -> "fix the expression at " + where + ": a variable is undefined or mistyped (see jplay inventory for the host's vars)";
            case "condition" -> "a condition at " + where + " held (failed_when/until): check the registered result it tests";
            case "args" -> "fix the task's arguments at " + where;
            case "assert", "fail" -> "the playbook failed on purpose at " + where + ": the message says what to fix";
            case "unpack" -> switch (code) {
                case "UNPACK_EXPANSION_LIMIT" -> "a layer expands far more than its compressed size (a decompression bomb, or a"
                        + " big very compressible file): if the image is trusted, raise the task's unpack_max_ratio or unpack_ratio_floor";
                case "UNPACK_DISK_RESERVE" -> "free space under the agent's state directory on " + host + " (" + ssh
                        + " df -h), or lower the task's unpack_min_free";
                default -> "check free space and inodes under the content store on " + host + ": " + ssh + " df -h -i";
            };
            case "mount" -> "check overlayfs works on " + host + " (kernel module overlay, a filesystem that supports it)";
            case "create", "start", "launch" -> "run the container by hand to see runc's error: " + ssh + " runc list";
            case "health" -> "the app started but its health check failed: read its logs on " + host;
            default -> "read the cause and stderr above; rerun with -vv for more detail";
        };
    }

    /** Every deadline ends as TIMEOUT, with what the agent was doing (detail {@code activity}) when it knew. */
    private static String timeout(String step, Map<String, Object> d, String host, String ssh) {
        if (step.equals("agent")) {
            return "the agent on " + host + " stopped answering (frozen JVM, full disk, cut link): check it is alive and"
                    + " its load: " + ssh + " 'uptime; pgrep -af jplay-agent'";
        }
        if (REGISTRY_STEPS.contains(step)) {
            return "the registry sent nothing for the pull progress timeout: check " + host + " reaches "
                    + (d.get("url") != null ? d.get("url") : "the registry") + " and that the registry is healthy; raise"
                    + " pull_progress_timeout for a slow mirror";
        }
        return "it hung while " + d.getOrDefault("activity", "running") + ": look at that on " + host
                + " (" + ssh + "), or raise the task's timeout if it only needs longer";
    }

    private static String registry(String step, String code, Map<String, Object> d, String host) {
        Object ref = d.getOrDefault("image", d.getOrDefault("reference", d.get("url")));
        String image = ref == null ? "the image" : String.valueOf(ref);
        if (code.contains("UNAUTHORIZED") || code.contains("DENIED") || code.contains("AUTH")) {
            return "the registry refused the credentials: check the registry login used for " + image;
        }
        if (code.contains("NOT_FOUND") || code.contains("UNKNOWN")) {
            return "check that " + image + " exists with this tag or digest: skopeo inspect docker://" + image;
        }
        if (step.equals("verify") || code.contains("DIGEST")) {
            return "the downloaded content does not match its digest: pull again; if it persists, the registry or a proxy corrupts data";
        }
        if (code.contains("TLS") || code.contains("CERT")) {
            return "the registry's TLS certificate is not trusted on " + host + ": install its CA, or mark the registry insecure if it is a test registry";
        }
        return "check " + host + " reaches the registry: curl -v " + (d.get("url") != null ? d.get("url") : "https://REGISTRY/v2/");
    }
}

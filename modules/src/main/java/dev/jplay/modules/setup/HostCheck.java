package dev.jplay.modules.setup;

import dev.jplay.runtime.fs.HostTools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Which {@link HostNeed}s this host lacks, looked up where the runtime will look ({@link HostTools}). */
final class HostCheck {
    private final HostTools tools;
    private final Path proc;

    HostCheck(HostTools tools, Path proc) {
        this.tools = tools;
        this.proc = proc;
    }

    List<HostNeed> missing(List<HostNeed> needs) {
        List<HostNeed> out = new ArrayList<>();
        for (HostNeed n : needs) if (!present(n)) out.add(n);
        return out;
    }

    boolean present(HostNeed n) {
        return switch (n.kind()) {
            case RUNC -> tools.find("runc").isPresent();
            case CNI_PLUGIN -> tools.hasCniPlugin(n.plugin());
            case SETFATTR -> tools.find("setfattr").isPresent();
            case IPTABLES -> tools.find("iptables").isPresent();
            case NFT -> tools.find("nft").isPresent();
            case PERL -> tools.find("perl").isPresent();
            case OVERLAYFS -> read("filesystems").lines().anyMatch(l -> l.strip().endsWith("overlay"));
            case CGROUPS -> read("self/mountinfo").lines().anyMatch(l -> l.contains(" - cgroup2 ") || l.contains(" - cgroup "));
        };
    }

    private String read(String rel) {
        try {
            return Files.readString(proc.resolve(rel), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}

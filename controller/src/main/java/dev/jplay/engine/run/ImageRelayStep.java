package dev.jplay.engine.run;

import dev.jplay.engine.connection.AgentSession;
import dev.jplay.engine.connection.HostTarget;
import dev.jplay.engine.playbook.ModuleTask;
import dev.jplay.engine.relay.ImagePullMode;
import dev.jplay.engine.relay.ImageRelay;
import dev.jplay.engine.relay.RelayCache;
import dev.jplay.engine.relay.RelayException;
import dev.jplay.engine.relay.RelayProgress;
import dev.jplay.protocol.Failure;
import dev.jplay.protocol.Step;
import java.io.IOException;
import java.util.Map;
import java.util.Set;

/**
 * Before an {@code image} or {@code container} task on a host with {@code jplay_image_pull: relay}: the controller
 * relays the image ({@link ImageRelay}), then the task runs as usual and finds it present. The task's output gets
 * {@code relay} (blobs and bytes sent); an {@code image} task is changed when the relay brought something.
 */
final class ImageRelayStep {
    /** Container states that need the image. */
    private static final Set<String> NEEDS_IMAGE = Set.of("started", "present", "restarted");

    private final boolean check;
    private ImageRelay relay;

    ImageRelayStep(boolean check) {
        this.check = check;
    }

    /** The relay's outcome, or the failed result that fails the task; both null when there is nothing to relay. */
    record Relayed(ImageRelay.Outcome outcome, TaskResult failed) {
        static final Relayed NONE = new Relayed(null, null);
    }

    Relayed before(HostRun host, ModuleTask task, Map<String, Object> args, Map<String, Object> vars, HostTarget target,
                   AgentSession session) {
        String imageArg = imageArg(task.module(), args);
        if (imageArg == null || check) return Relayed.NONE;
        ImagePullMode mode;
        try {
            mode = ImagePullMode.parse(vars.get(ImagePullMode.VAR));
        } catch (IllegalArgumentException e) {
            return new Relayed(null, TaskResult.failed(new Failure(Step.ARGS, "ARG_VALUE", e.getMessage())));
        }
        if (mode != ImagePullMode.RELAY) return Relayed.NONE;
        try {
            return new Relayed(relay().relay(session, host.name, args, imageArg), null);
        } catch (RelayException e) {
            return new Relayed(null, TaskResult.failed(e.failure()));
        } catch (IOException e) {
            return new Relayed(null, TaskResult.failed(new Failure(Step.FETCH, "RELAY_CACHE_IO", "relay: cannot open the controller's relay cache: "
                    + e.getMessage())));
        }
    }

    /** Adds the relay's figures to the task's result. */
    static void after(Relayed relayed, String module, TaskResult result) {
        if (relayed.outcome() == null) return;
        result.output("relay", relayed.outcome().toData());
        if ("image".equals(module) && relayed.outcome().changed() && !result.failed()) result.changed(true);
    }

    /** The argument naming the image when {@code module} will need it on the host, else null. */
    static String imageArg(String module, Map<String, Object> args) {
        if ("image".equals(module)) {
            Object state = args.getOrDefault("state", "present");
            return args.get("name") != null && "present".equals(String.valueOf(state)) ? "name" : null;
        }
        if ("container".equals(module)) {
            Object state = args.getOrDefault("state", "started");
            return args.get("image") != null && NEEDS_IMAGE.contains(String.valueOf(state)) ? "image" : null;
        }
        return null;
    }

    private synchronized ImageRelay relay() throws IOException {
        if (relay == null) relay = new ImageRelay(RelayCache.openDefault(), RelayProgress.forTerminal(System.err));
        return relay;
    }
}

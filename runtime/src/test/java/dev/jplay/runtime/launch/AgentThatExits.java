package dev.jplay.runtime.launch;

import java.nio.file.Path;

/** A stand-in for the agent: starts one container and exits, as the agent does when the SSH channel closes. */
public final class AgentThatExits {
    private AgentThatExits() {}

    public static void main(String[] args) {
        Path stateDir = Path.of(args[0]);
        ContainerLifecycle manager = new ContainerLifecycle(stateDir, RuncRuntime.under(stateDir));
        ContainerSpec spec = ContainerSpec.builder(args[1]).command("sleep", "1000").stopTimeout(0).build();
        ContainerResult result = manager.ensureStarted(spec, new ContainerImage("sha256:agent", ImageConfig.EMPTY, Path.of(args[2])));
        System.out.println(result.status().pid());
        System.exit(0);
    }
}

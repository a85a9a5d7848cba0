package dev.jplay.modules.container;

import dev.jplay.modules.ModuleArgs;
import dev.jplay.modules.ModuleContext;
import dev.jplay.modules.ModuleException;
import dev.jplay.modules.ModuleResult;
import dev.jplay.modules.TaskModule;
import dev.jplay.runtime.launch.LaunchException;
import dev.jplay.runtime.network.CniNetworks;
import dev.jplay.runtime.network.NetworkException;
import dev.jplay.runtime.network.NetworkAttachment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code container_info}: the containers this host's agent manages, as {@code docker ps -a} would list them (like
 * Ansible's {@code docker_host_info}): each one's {@code docker inspect}-style facts from {@link ContainerModule},
 * plus its own IP when it has one. {@code name} narrows it to one container. Changes nothing; {@code jplay ps} is
 * built on it.
 */
public final class ContainerInfoModule implements TaskModule {
    private static final Set<String> ARGS = Set.of("name");

    @Override
    public String name() {
        return "container_info";
    }

    @Override
    public ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException {
        args.rejectUnknown(ARGS);
        String only = args.string("name", null);
        ContainerHost host = ContainerHost.of(ctx);
        CniNetworks cni = ContainerNetwork.networks(ctx);
        List<Map<String, Object>> containers = new ArrayList<>();
        try {
            Map<String, NetworkAttachment> attachments = cni.attachments();
            List<String> names = only != null ? List.of(only) : host.containerNames();
            for (String name : names) {
                Map<String, Object> c = ContainerModule.describe(host.status(name), null, null);
                NetworkAttachment a = attachments.get(name);
                c.put("ip", a == null ? null : a.ip());
                c.put("bridge", a == null ? null : a.bridge());
                // What `jplay state rebuild` needs to restore a lease: the address with its subnet and gateway.
                c.put("prefix_len", a == null ? null : a.prefixLen());
                c.put("gateway", a == null ? null : a.gateway());
                containers.add(c);
            }
        } catch (LaunchException e) {
            throw Failures.launch(e);
        } catch (NetworkException | java.io.UncheckedIOException e) {
            throw new ModuleException(NetworkException.STEP, "NETWORK_STATE", "container_info: cannot read the network "
                    + "attachments under " + ctx.stateDir() + ": " + e.getMessage(), e).detail("path", ctx.stateDir().toString());
        }
        return ModuleResult.ok().msg(containers.size() + " container(s)").put("containers", containers).build();
    }
}

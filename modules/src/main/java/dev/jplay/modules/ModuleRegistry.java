package dev.jplay.modules;

import dev.jplay.modules.command.CommandModule;
import dev.jplay.modules.command.ShellModule;
import dev.jplay.modules.container.ContainerInfoModule;
import dev.jplay.modules.container.ContainerLogsModule;
import dev.jplay.modules.container.ContainerExecModule;
import dev.jplay.modules.container.ContainerModule;
import dev.jplay.modules.container.ImageModule;
import dev.jplay.modules.files.CopyModule;
import dev.jplay.modules.files.FileModule;
import dev.jplay.modules.files.StatModule;
import dev.jplay.modules.network.FleetLeaveModule;
import dev.jplay.modules.network.FleetServiceModule;
import dev.jplay.modules.network.PoolRoutesModule;
import dev.jplay.modules.setup.HostSetupModule;
import dev.jplay.modules.waitfor.WaitForModule;
import java.util.Map;
import java.util.TreeMap;

/** The modules the agent can run, by name. Explicit rather than ServiceLoader: the agent's start-up is on the hot path. */
public final class ModuleRegistry {
    private final Map<String, TaskModule> modules = new TreeMap<>();

    public static ModuleRegistry standard() {
        ModuleRegistry r = new ModuleRegistry();
        r.add(new PingModule());
        r.add(new CommandModule());
        r.add(new ShellModule());
        r.add(new CopyModule());
        r.add(new FileModule());
        r.add(new StatModule());
        r.add(new WaitForModule());
        r.add(new ImageModule());
        r.add(new ContainerModule());
        r.add(new ContainerInfoModule());
        r.add(new HostSetupModule());
        r.add(new PoolRoutesModule());
        r.add(new FleetServiceModule());
        r.add(new FleetLeaveModule());
        r.add(new ContainerLogsModule());
        r.add(new ContainerExecModule());
        r.add(new dev.jplay.modules.facts.SetupModule());
        r.add(new dev.jplay.modules.files.LineInFileModule());
        r.add(new dev.jplay.modules.files.BlockInFileModule());
        r.add(new dev.jplay.modules.packages.AptModule());
        r.add(new dev.jplay.modules.packages.PackageModule());
        r.add(dev.jplay.modules.service.ServiceModule.service());
        r.add(dev.jplay.modules.service.ServiceModule.systemd());
        r.add(new dev.jplay.modules.http.UriModule());
        r.add(new dev.jplay.modules.files.GetUrlModule());
        r.add(new dev.jplay.modules.files.UnarchiveModule());
        r.add(new dev.jplay.modules.accounts.UserModule());
        r.add(new dev.jplay.modules.accounts.GroupModule());
        r.add(dev.jplay.modules.service.ServiceModule.systemdService());
        r.add(new dev.jplay.modules.container.ImageRelayModule());
        return r;
    }

    public ModuleRegistry add(TaskModule m) {
        modules.put(m.name(), m);
        return this;
    }

    public TaskModule get(String name) {
        return modules.get(name);
    }

    public java.util.Set<String> names() {
        return modules.keySet();
    }
}

package dev.jplay.modules;

/**
 * A task module executed by the agent on the host. Implementations are stateless singletons; state that must
 * live for the whole agent run (e.g. supervised containers) goes in {@link ModuleContext#agentState()}.
 */
public interface TaskModule {
    /** The name used in playbooks, e.g. {@code copy}. */
    String name();

    /**
     * Runs the module. Honour {@link ModuleContext#check()} (report what would change, change nothing) and
     * {@link ModuleContext#diff()} (fill {@link ModuleResult.Builder#diff}).
     *
     * @throws ModuleException for a located failure (step, code, message, detail)
     */
    ModuleResult run(ModuleArgs args, ModuleContext ctx) throws ModuleException;
}

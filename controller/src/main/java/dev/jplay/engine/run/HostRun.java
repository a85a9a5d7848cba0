package dev.jplay.engine.run;

import dev.jplay.engine.connection.HostTarget;
import dev.jplay.reports.FailureInfo;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.TaskOutcome;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One host's state for the whole run: its inventory vars, facts and registered results (they outlive plays,
 * as in Ansible), its recap counters, and whether it failed or became unreachable.
 */
final class HostRun {
    final String name;
    final Map<String, Object> inventoryVars;
    final HostTarget target;
    final java.util.List<String> groupNames;
    private PlayContext scopePlay;
    private int scopeRoles;
    private dev.jplay.engine.vars.VariableScope scope;
    /** set_fact values and registered results: above host and play vars, below task and extra vars. */
    final Map<String, Object> facts = new ConcurrentHashMap<>();
    /** Handler names or listen topics notified in the current play. */
    private final Set<String> notified = new LinkedHashSet<>();
    private HostRecap recap = HostRecap.ZERO;
    /** Failed in the current play: no more tasks for it in this play (rescue aside). */
    private volatile boolean failedInPlay;
    private volatile boolean unreachable;
    private volatile FailureInfo unreachableCause;
    /** The session the host was lost through (its login user and become as the failed task reached it), for reconnects. */
    private volatile HostTarget lostThrough;
    /** The host as its latest agent task reached it (login user from remote_user): rollbacks reuse that session. */
    private volatile HostTarget agentTarget;
    /** The agent its container tasks ran through (with become: the privileged one), for rollbacks; null: none yet. */
    private volatile HostTarget containerTarget;
    /** The last fact gathering on this host (setup's arguments and facts), for later plays to reuse; null: none. */
    volatile HostFacts.Gathered gathered;

    HostRun(String name, Map<String, Object> inventoryVars, HostTarget target, java.util.List<String> groupNames) {
        this.name = name;
        this.groupNames = groupNames;
        this.inventoryVars = inventoryVars;
        this.target = target;
    }

    /** Built once per play (and again after a public include_role): the layers that do not change from task to task. */
    synchronized dev.jplay.engine.vars.VariableScope baseScope(PlayContext play) {
        int roles = play.exposedRoles();
        if (scopePlay != play || scopeRoles != roles) {
            scope = play.baseScopeFor(this);
            scopePlay = play;
            scopeRoles = roles;
        }
        return scope;
    }

    /** A new play: no failure and no notified handler carried over from the last one. */
    synchronized void startPlay() {
        failedInPlay = false;
        notified.clear();
    }

    boolean failedInPlay() {
        return failedInPlay;
    }

    /** Fails the host for the rest of the play (rescue aside). */
    void failInPlay() {
        failedInPlay = true;
    }

    /** Rescued, or running an {@code always} section: tasks run on it again. */
    void clearFailureInPlay() {
        failedInPlay = false;
    }

    boolean unreachable() {
        return unreachable;
    }

    /**
     * Unreachable for the rest of the play: {@code cause} says where the connection failed, {@code through} is the
     * session that failed (a task's remote_user and become make it another than the inventory's {@link #target}).
     */
    void markUnreachable(FailureInfo cause, HostTarget through) {
        unreachable = true;
        unreachableCause = cause;
        lostThrough = through;
    }

    /** The session the host was lost through: the one a later play reconnects. */
    HostTarget lostThrough() {
        HostTarget t = lostThrough;
        return t != null ? t : target;
    }

    /** Reconnected after it was lost: back in the rollout. */
    void reconnected() {
        unreachable = false;
        unreachableCause = null;
        lostThrough = null;
    }

    /** Records the agent the host's latest agent task reached it through (not a delegate's). */
    void reachedThrough(HostTarget t) {
        agentTarget = t;
    }

    /** Records the agent a container task ran through on this host. */
    void ranContainerTaskThrough(HostTarget t) {
        containerTarget = t;
    }

    /**
     * Where its containers are managed: the agent its container tasks ran through (with become: the privileged one),
     * else the one its latest agent task reached, else its login agent.
     */
    HostTarget containerTarget() {
        HostTarget t = containerTarget;
        if (t != null) return t;
        HostTarget latest = agentTarget;
        return latest != null ? latest : target;
    }

    synchronized void count(TaskOutcome o) {
        if (loopItems != null) loopItems.add(o);
        else recap = recap.add(o);
    }

    /** Outcomes of the items of the loop running on this host, counted as one task at its end; null outside loops. */
    private List<TaskOutcome> loopItems;

    /** A looped task starts: its items' outcomes are shown and reported one by one but counted once, as Ansible does. */
    synchronized void startLoop() {
        loopItems = new ArrayList<>();
    }

    /**
     * The looped task ends: it counts once in the recap — unreachable or failed if an item was (an ignored failure as
     * ignored), else changed if one changed, ok if one ran, skipped when every item was (nothing when it had none).
     */
    synchronized void endLoop() {
        List<TaskOutcome> items = loopItems;
        loopItems = null;
        if (items == null || items.isEmpty()) return;
        TaskOutcome worst = items.get(0);
        for (TaskOutcome o : items) {
            if (LOOP_WEIGHT.indexOf(weight(o)) > LOOP_WEIGHT.indexOf(weight(worst))) worst = o;
        }
        recap = recap.add(worst);
    }

    private static final List<String> LOOP_WEIGHT = List.of(TaskOutcome.SKIPPED, TaskOutcome.OK, TaskOutcome.CHANGED,
            "ignored", TaskOutcome.FAILED, TaskOutcome.UNREACHABLE);

    private static String weight(TaskOutcome o) {
        return o.status().equals(TaskOutcome.FAILED) && o.ignored() ? "ignored" : o.status();
    }

    synchronized void countRescue() {
        recap = recap.withRescue();
    }

    synchronized HostRecap recap() {
        return recap;
    }

    boolean active() {
        return !failedInPlay && !unreachable;
    }

    synchronized void notify(String handlerOrTopic) {
        notified.add(handlerOrTopic);
    }

    /** Whether a handler name or listen topic was notified in the current play (or batch). */
    synchronized boolean notified(String handlerOrTopic) {
        return notified.contains(handlerOrTopic);
    }

    /** What an {@code include_tasks}/{@code include_role} task decided on this host: one entry per item it included. */
    record Included(dev.jplay.engine.playbook.ModuleTask task, Map<String, Object> args, Map<String, Object> loopVars) {}

    private final java.util.List<Included> included = new java.util.ArrayList<>();

    synchronized void included(Included i) {
        included.add(i);
    }

    /** The includes {@code task} made on this host since the last call, in item order. */
    synchronized java.util.List<Included> takeIncluded(dev.jplay.engine.playbook.ModuleTask task) {
        java.util.List<Included> mine = included.stream().filter(i -> i.task() == task).toList();
        included.removeAll(mine);
        return mine;
    }

    /** Handlers ran (or the batch ended): nothing is notified any more. */
    synchronized void clearNotified() {
        notified.clear();
    }
}

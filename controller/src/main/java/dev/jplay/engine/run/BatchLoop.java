package dev.jplay.engine.run;

import dev.jplay.engine.playbook.Play;
import java.util.List;
import java.util.Optional;

/**
 * Runs a play's batches in turn: each recorded in the {@link RunJournal} (a batch a resumed run completed is skipped),
 * let through by the {@link BatchGate}, run by the play's strategy and then its handlers. After a batch with failed
 * hosts it rolls back (play keyword {@code rollback}) and stops the rollout when {@code max_fail_percentage},
 * {@code any_errors_fatal} or the run's failure budget says so.
 */
final class BatchLoop {
    private final RunHosts hosts;
    private final RollbackPlanner rollbacks;
    private final HandlerRunner handlers;
    private final StopSignal stop;
    private final RunOptions options;
    private final RunListener listener;
    private volatile BatchGate batchGate = BatchGate.OPEN;
    private volatile ImagePrestager prestager;
    private volatile RunJournal journal = RunJournal.create(null, null, null, null);

    BatchLoop(RunHosts hosts, RollbackPlanner rollbacks, HandlerRunner handlers, StopSignal stop, RunOptions options,
              RunListener listener) {
        this.hosts = hosts;
        this.rollbacks = rollbacks;
        this.handlers = handlers;
        this.stop = stop;
        this.options = options;
        this.listener = listener;
    }

    void setJournal(RunJournal journal) {
        this.journal = journal == null ? RunJournal.create(null, null, null, null) : journal;
    }

    void setBatchGate(BatchGate gate) {
        this.batchGate = gate == null ? BatchGate.OPEN : gate;
    }

    void setPrestager(ImagePrestager prestager) {
        this.prestager = prestager;
    }

    void runBatches(int playIndex, Play play, PlayContext ctx, List<List<HostRun>> computed, PlayStrategy strategy) {
        List<RunJournal.BatchEntry> planned = journal.batches(playIndex, play.displayName(),
                computed.stream().map(b -> b.stream().map(h -> h.name).toList()).toList());
        java.util.concurrent.CompletableFuture<Void> prestaged = java.util.concurrent.CompletableFuture.completedFuture(null);
        for (int i = 0; i < planned.size(); i++) {
            if (stop.stopped()) throw new RunInterruptedException();
            awaitPrestage(prestaged);
            int batchNo = i + 1;
            RunJournal.BatchEntry entry = planned.get(i);
            List<HostRun> batch = entry.hosts().stream().map(hosts::get).toList();
            if (RunJournal.DONE.equals(entry.status())) {
                listener.warning("play '" + play.displayName() + "': batch " + batchNo + " (" + String.join(", ", entry.hosts())
                        + ") completed in the resumed run: skipped");
                continue;
            }
            Optional<String> refused = batchGate.refusal(play.displayName(), batchNo, planned.size(), entry.hosts());
            if (refused.isPresent()) {
                listener.warning("play '" + play.displayName() + "': batch " + batchNo + " not started: " + refused.get());
                stop.stop();
                throw new RunInterruptedException();
            }
            if (planned.size() > 1) listener.batchStarted(play.displayName(), batchNo, entry.hosts());
            journal.mark(playIndex, i, RunJournal.RUNNING);
            if (prestager != null && i + 1 < planned.size() && !RunJournal.DONE.equals(planned.get(i + 1).status())) {
                // the next batch fetches its images while this one runs and waits on its health gates
                prestaged = prestager.start(ctx, planned.get(i + 1).hosts().stream().map(hosts::get).toList());
            }
            BatchState state = new BatchState();
            TaskScope scope = TaskScope.root(play.tags());
            try {
                strategy.runTasks(ctx, batch, scope, state);
                handlers.runHandlers(ctx, batch);
                if (ctx.service() != null) ctx.service().syncIfChanged(); // backends follow the batch's outcome
            } catch (RunInterruptedException e) {
                journal.mark(playIndex, i, RunJournal.INTERRUPTED);
                throw e;
            }
            long failed = batch.stream().filter(h -> h.failedInPlay() || h.unreachable()).count();
            journal.mark(playIndex, i, failed == 0 ? RunJournal.DONE : RunJournal.FAILED);
            if (failed > 0 && rollbacks.afterFailedBatch(ctx, batchNo, batch, hosts.byName())) { // play keyword rollback
                listener.warning("play '" + play.displayName() + "': rolled back after batch " + batchNo + " (rollback: all): stopping");
                stop.stop();
                return;
            }
            if (play.maxFailPercentage() != null && failed * 100.0 / batch.size() > play.maxFailPercentage()) {
                listener.warning("play '" + play.displayName() + "': " + failed + " of " + batch.size()
                        + " hosts failed in batch " + batchNo + ", over max_fail_percentage " + play.maxFailPercentage() + ": stopping");
                stop.stop();
                return;
            }
            if (state.aborted()) {
                stop.stop();
                return;
            }
            String overBudget = failureBudgetExceeded(ctx);
            if (overBudget != null) {
                listener.warning("play '" + play.displayName() + "': " + overBudget + ": stopping the rollout after batch " + batchNo);
                stop.stop();
                return;
            }
        }
    }

    /** Lets this batch's pre-stage (started with the previous batch) finish: its blobs would be the tasks' to wait for. */
    private void awaitPrestage(java.util.concurrent.CompletableFuture<Void> prestaged) {
        try {
            while (true) {
                if (stop.stopped()) throw new RunInterruptedException(); // a stop does not wait for fetches
                try {
                    prestaged.get(1, java.util.concurrent.TimeUnit.SECONDS);
                    return;
                } catch (java.util.concurrent.TimeoutException stillFetching) {
                    // look at the stop signal again
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RunInterruptedException();
        } catch (java.util.concurrent.ExecutionException e) {
            // never: each host's pre-stage drops its own failures
        }
    }

    /**
     * The run's failure budget: failed or unreachable hosts are quarantined (they get no more tasks) and the
     * rollout goes on while their number stays within the budget ({@code --max-failures}: a count or a
     * percentage of the play's hosts; default 10%, at least one host). Null while within budget.
     */
    private String failureBudgetExceeded(PlayContext ctx) {
        long failed = hosts.failedOrUnreachable();
        int total = ctx.hostCount();
        long allowed = options.failureBudget().allowed(total);
        if (failed <= allowed) return null;
        return failed + " of " + total + " hosts failed or unreachable, over the failure budget of " + allowed
                + " (" + options.failureBudget() + ")";
    }
}

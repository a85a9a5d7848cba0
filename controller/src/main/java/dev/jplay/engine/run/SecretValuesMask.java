package dev.jplay.engine.run;

import dev.jplay.engine.connection.StartupReport;
import dev.jplay.engine.vault.VaultSecrets;
import dev.jplay.reports.HostRecap;
import dev.jplay.reports.Redaction;
import dev.jplay.reports.TaskOutcome;
import java.util.List;
import java.util.Map;

/**
 * Passes the run's events on with every secret value masked (decrypted vault values and private {@code vars_prompt}
 * answers, as {@link VaultSecrets#installed()} remembers them): in front of the writers of the run's files.
 */
final class SecretValuesMask implements RunListener {
    private final RunListener next;

    SecretValuesMask(RunListener next) {
        this.next = next;
    }

    @Override public void runStarted(String playbook) { next.runStarted(playbook); }
    @Override public void playStarted(String play, List<String> hosts) { next.playStarted(play, hosts); }
    @Override public void batchStarted(String play, int batch, List<String> hosts) { next.batchStarted(play, batch, hosts); }

    @Override
    public void taskStarted(String play, String task, String location, boolean handler) {
        next.taskStarted(play, Redaction.mask(task, VaultSecrets.installed().decryptedValues()), location, handler);
    }

    @Override
    public void hostResult(TaskOutcome outcome) {
        next.hostResult(Redaction.maskValues(outcome, VaultSecrets.installed().decryptedValues()));
    }

    @Override
    public void warning(String message) {
        next.warning(Redaction.mask(message, VaultSecrets.installed().decryptedValues()));
    }

    @Override public void runtimePushed(String host, StartupReport.RuntimePush push) { next.runtimePushed(host, push); }
    @Override public void runFinished(Map<String, HostRecap> recap, int exitCode) { next.runFinished(recap, exitCode); }

    @Override
    public void imagePrestaged(String host, Map<String, Object> data) {
        Map<String, Object> masked = new java.util.LinkedHashMap<>(data);
        if (masked.get("image") != null) masked.put("image", Redaction.mask(masked.get("image").toString(), VaultSecrets.installed().decryptedValues()));
        next.imagePrestaged(host, masked);
    }
}

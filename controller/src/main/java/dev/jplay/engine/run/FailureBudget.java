package dev.jplay.engine.run;

/**
 * How many failed or unreachable hosts a rollout tolerates before it stops: a count ({@code 3}) or a
 * percentage of the play's hosts ({@code 10%}). Failed hosts are quarantined either way: they get no more
 * tasks in the play.
 */
public record FailureBudget(int count, double percent) {
    /** 10% of the hosts, but at least one: one bad host is quarantined, a broken rollout stops. */
    public static final FailureBudget DEFAULT = new FailureBudget(-1, 10.0);

    public static FailureBudget parse(String s) {
        String v = s.strip();
        try {
            if (v.endsWith("%")) {
                double p = Double.parseDouble(v.substring(0, v.length() - 1));
                if (p < 0 || p > 100) throw new IllegalArgumentException("failure budget " + s + ": a percentage is 0-100");
                return new FailureBudget(-1, p);
            }
            int n = Integer.parseInt(v);
            if (n < 0) throw new IllegalArgumentException("failure budget " + s + " must not be negative");
            return new FailureBudget(n, -1);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("failure budget '" + s + "': expected a count (3) or a percentage (10%)");
        }
    }

    /** The number of failed hosts allowed among {@code total}. */
    public long allowed(int total) {
        if (count >= 0) return count;
        return Math.max(1, (long) Math.floor(total * percent / 100.0));
    }

    @Override
    public String toString() {
        return count >= 0 ? String.valueOf(count) : (percent == Math.rint(percent) ? String.valueOf((int) percent) : String.valueOf(percent)) + "%";
    }
}

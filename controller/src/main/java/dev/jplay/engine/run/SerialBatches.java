package dev.jplay.engine.run;

import dev.jplay.engine.playbook.Serial;
import dev.jplay.engine.yaml.PlaybookException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a play's hosts into {@code serial} batches: a number, a percentage ("30%"), or a list of steps
 * ({@code [1, "10%", "50%"]}) whose last step repeats until every host had its turn.
 */
final class SerialBatches {
    private SerialBatches() {}

    static <T> List<List<T>> split(List<T> hosts, Serial serial) {
        if (serial == null || serial.raw() == null) return List.of(hosts);
        List<Object> steps = serial.raw() instanceof List<?> l ? new ArrayList<>(l) : List.of(serial.raw());
        if (steps.isEmpty()) return List.of(hosts);
        List<List<T>> batches = new ArrayList<>();
        int i = 0;
        int step = 0;
        while (i < hosts.size()) {
            Object s = steps.get(Math.min(step, steps.size() - 1));
            int size = size(s, hosts.size(), serial);
            batches.add(List.copyOf(hosts.subList(i, Math.min(hosts.size(), i + size))));
            i += size;
            step++;
        }
        return batches;
    }

    static int size(Object step, int total, Serial serial) {
        int n;
        if (step instanceof Number num) {
            n = num.intValue();
        } else if (step instanceof String s && s.strip().endsWith("%")) {
            double pct;
            try {
                pct = Double.parseDouble(s.strip().substring(0, s.strip().length() - 1));
            } catch (NumberFormatException e) {
                throw new PlaybookException(serial.location(), "serial: '" + s + "' is not a percentage");
            }
            return Math.max(1, (int) Math.floor(total * pct / 100.0)); // like Ansible: never 0
        } else if (step instanceof String s) {
            try {
                n = Integer.parseInt(s.strip());
            } catch (NumberFormatException e) {
                throw new PlaybookException(serial.location(), "serial: '" + s + "' is neither a number nor a percentage");
            }
        } else {
            throw new PlaybookException(serial.location(), "serial: expected a number, a percentage or a list of them, got " + step);
        }
        return n <= 0 ? Math.max(1, total) : n; // serial 0: all at once
    }
}

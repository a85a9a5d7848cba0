package dev.jplay.engine.playbook;

import java.util.Collection;
import java.util.List;
import java.util.ArrayList;
import java.util.TreeSet;

/** "Did you mean" by edit distance: a typo of up to a third of the word (at most 3 edits). */
final class Suggestions {
    private Suggestions() {}

    /** The closest candidates (all ties, sorted), empty when none is close enough. */
    static List<String> closest(String word, Collection<String> candidates) {
        List<String> best = new ArrayList<>();
        int bestDistance = Integer.MAX_VALUE;
        int allowed = Math.min(3, Math.max(1, word.length() / 3));
        for (String c : new TreeSet<>(candidates)) {
            int d = distance(word.toLowerCase(), c.toLowerCase());
            if (d > allowed || d > bestDistance) continue;
            if (d < bestDistance) best.clear();
            best.add(c);
            bestDistance = d;
        }
        return best;
    }

    static String didYouMean(String word, Collection<String> candidates) {
        List<String> close = closest(word, candidates);
        if (close.isEmpty()) return "";
        return " (did you mean '" + String.join("' or '", close) + "'?)";
    }

    /** Damerau (optimal string alignment) distance: a transposition counts as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}

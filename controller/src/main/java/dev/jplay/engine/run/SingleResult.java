package dev.jplay.engine.run;

import dev.jplay.engine.run.TaskExecutor.Verdict;
import java.util.Map;

/** One run of a task on a host (one loop item, or the task without a loop): its verdict and what it registers. */
record SingleResult(Verdict verdict, Map<String, Object> registered) {}

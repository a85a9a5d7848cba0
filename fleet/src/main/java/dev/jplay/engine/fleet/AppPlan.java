package dev.jplay.engine.fleet;

import dev.jplay.engine.ippool.Allocation;
import dev.jplay.engine.ippool.IpPool;

/**
 * The plan for one app: where its instances go, their addresses, and what changes.
 *
 * @param pool null when the app has no pool (then {@code allocation} is null too)
 * @param previous the persisted state, or null on a first run
 * @param next the state to persist once the plan has been applied
 */
public record AppPlan(ReplicaSpec spec, IpPool pool, Placement placement, Allocation allocation,
                      FleetState previous, FleetState next, PlanDiff diff) {}

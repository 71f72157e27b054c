/**
 * The scenario's timeline as actions at fixed times: the build-out plan (nodes added or removed),
 * outages (replicas down, their requests re-routed through the fallback chain) and price changes.
 * Load changes (tenant_shift, demand_change) act on the workloads' arrival processes instead.
 */

import type { Routes } from "../contract/routes.js";
import type { Topology } from "../contract/topology.js";
import { replicasPerNodes } from "../fleet/placement.js";
import type { Scenario } from "../scenario/types.js";
import type { RequestStore } from "../scheduler/request-store.js";
import type { Router } from "../scheduler/router.js";
import type { ServingReplica as Replica } from "../scheduler/serving-replica.js";

export interface TimelineAction {
  at: number;
  apply(now: number): void;
}

/** What the timeline may touch in a run. */
export interface TimelineHost {
  /** By replica index; null for groups the run does not build (another part's). */
  readonly replicas: ReadonlyArray<Replica | null>;
  readonly topo: Topology;
  readonly routes: Routes;
  readonly router: Router;
  readonly req: RequestStore;
  readonly presentCount: Int32Array;
  readonly availableCount: Int32Array;
  /** Replica-seconds available per group since the start, integrated with integrateGroup. */
  readonly availableSeconds: Float64Array;
  /** Requests taken out of replicas by outages (each re-routed). */
  interrupted: number;
  integrateGroup(g: number, t: number): void;
  retire(rep: Replica): void;
  route(r: number, from: number): void;
  ensureScheduled(rep: Replica): void;
  changePrice(model: number, input: number | null, output: number | null): void;
}

export function buildTimeline(s: Scenario, host: TimelineHost): TimelineAction[] {
  const actions: TimelineAction[] = [];
  const groupOf = (pool: string, model: string) =>
    host.topo.groups.find((g) => g.pool.id === pool && g.model.id === model);
  const nodes = new Map(host.topo.groups.map((g) => [g.index, g.initialNodes]));

  for (const c of s.fleet.changes) {
    const g = groupOf(c.pool, c.model);
    if (!g) continue; // the model did not fit this pool: reported at load time
    actions.push({
      at: c.at,
      apply: (now) => {
        const before = nodes.get(g.index) ?? 0;
        const after = Math.max(0, before + c.deltaNodes);
        nodes.set(g.index, after);
        setActiveReplicas(host, g.index, Math.min(g.slots, replicasPerNodes(g.profile, g.model, after)), now);
      },
    });
  }

  for (const e of s.events) {
    if (e.type === "price_change") {
      const mi = s.models.findIndex((m) => m.id === e.model);
      actions.push({ at: e.at, apply: () => host.changePrice(mi, e.inputUsdPerMtok, e.outputUsdPerMtok) });
    } else if (e.type === "model_outage") {
      const reps = host.topo.groups
        .filter((g) => g.model.id === e.model)
        .flatMap((g) => groupReplicas(host, g.index));
      actions.push({ at: e.at, apply: (now) => setAlive(host, reps, false, now) });
      actions.push({ at: e.at + e.duration, apply: (now) => setAlive(host, reps, true, now) });
    } else if (e.type === "pool_outage") {
      // `fraction` of each of the pool's groups' replicas in service when it starts goes down: the
      // lowest slots (in service slots are [0, active): replicas are added from the lowest free
      // slot and removed from the highest). Slots not yet built are not counted, and replicas
      // added during the outage come up working. The same replicas come back at its end.
      let reps: Replica[] = [];
      actions.push({
        at: e.at,
        apply: (now) => {
          reps = host.topo.groups
            .filter((g) => g.pool.id === e.pool)
            .flatMap((g) => {
              const all = groupReplicas(host, g.index);
              const active = all.filter((r) => r.present && !r.draining).length;
              return all.slice(0, Math.round(active * e.fraction));
            });
          setAlive(host, reps, false, now);
        },
      });
      actions.push({ at: e.at + e.duration, apply: (now) => setAlive(host, reps, true, now) });
    }
  }
  // Stable order by time; at equal times, the order above (changes, then events).
  return actions
    .map((a, i) => ({ a, i }))
    .sort((x, y) => x.a.at - y.a.at || x.i - y.i)
    .map((x) => x.a);
}

/** The replicas of group g this run has built: all of them, or none when another part owns g. */
function groupReplicas(host: TimelineHost, g: number): Replica[] {
  const grp = host.topo.groups[g];
  const reps: Replica[] = [];
  for (let i = 0; i < grp.slots; i++) {
    const rep = host.replicas[grp.firstReplica + i];
    if (rep !== null) reps.push(rep);
  }
  return reps;
}

/** Brings the number of active (present, not draining) replicas of group g to `target`. */
function setActiveReplicas(host: TimelineHost, g: number, target: number, now: number): void {
  const reps = groupReplicas(host, g);
  let active = reps.filter((r) => r.present && !r.draining).length;
  host.integrateGroup(g, now);
  for (const rep of reps) {
    if (active >= target) break;
    if (rep.draining) {
      rep.draining = false; // a replica still draining is simply kept
      resumeService(host, rep);
    } else if (!rep.present) enterService(host, rep);
    else continue;
    active++;
  }
  for (let i = reps.length - 1; i >= 0 && active > target; i--) {
    const rep = reps[i];
    if (!rep.present || rep.draining) continue;
    rep.draining = true;
    active--;
    host.router.touch(rep);
    rerouteQueue(host, rep, now);
    if (rep.held === 0) host.retire(rep);
  }
}

/**
 * Puts a replica that was not present into service: counted present (and available when up),
 * then fed from the queues and scheduled. Integrate its group first.
 */
export function enterService(host: TimelineHost, rep: Replica): void {
  rep.present = true;
  host.presentCount[rep.group]++;
  if (rep.alive) host.availableCount[rep.group]++;
  resumeService(host, rep);
}

/** A replica back in the router's choice: its load indexed, fed from the queues, scheduled. */
function resumeService(host: TimelineHost, rep: Replica): void {
  host.router.touch(rep);
  host.router.refill(rep);
  host.ensureScheduled(rep);
}

function rerouteQueue(host: TimelineHost, rep: Replica, now: number): void {
  const queued: number[] = [];
  rep.queue.drain((r) => queued.push(r));
  host.router.touch(rep);
  for (const r of queued) host.route(r, host.req.chainPos[r]);
  void now;
}

function setAlive(host: TimelineHost, reps: Replica[], alive: boolean, now: number): void {
  const evicted: number[] = [];
  for (const rep of reps) {
    if (rep.alive === alive) continue;
    host.integrateGroup(rep.group, now);
    rep.alive = alive;
    if (rep.present) host.availableCount[rep.group] += alive ? 1 : -1;
    host.router.touch(rep);
    if (!alive) {
      host.router.evicting(rep);
      rep.evict(evicted);
      rep.queue.drain((r) => evicted.push(r));
      host.router.touch(rep);
    }
  }
  if (!alive) {
    // Requests waiting in shared queues with no live replica left fail over too.
    host.router.drainStranded(evicted);
    host.interrupted += evicted.length;
    for (const r of evicted) {
      host.req.restarts[r]++;
      host.req.admitted[r] = -1;
      host.req.firstToken[r] = -1;
      host.route(r, host.req.chainPos[r]);
    }
  } else {
    for (const rep of reps) {
      host.router.refill(rep);
      host.ensureScheduled(rep);
    }
  }
}

import { callInputSchemas } from '@shared/api/schemas';
import { AppFailure } from '@shared/errors';
import { INSPECT_METRICS, type SnapshotSummary } from '@shared/inspect';
import { toSeries, type MetricPoint } from '@shared/metrics';
import type { RunStore } from '../../storage/store';
import type { EventBus } from '../event-bus';
import type { InspectComputeClient } from './compute-client';
import { matrixKey, resolveRegion } from './view-keys';

const IDLE_CHECK_MS = 2000;

/**
 * The `inspect/*` metric series (INSPECT_METRICS): derived in the compute thread from every
 * stored snapshot, written at the snapshot's step like the worker's metrics, and announced with
 * `run:metrics` so the run's charts and the Compare page have them. Snapshots stored before
 * this existed, or carried in by an import, are caught up when their run's snapshots are listed
 * (and, in the app, once after start). Each snapshot's default overview follows, as cache.
 */
export class InspectMetricDerivation {
  /** Snapshots derived or being derived by this host (each once). */
  private readonly seen = new Set<number>();
  /** Derivations of snapshots this host stored: a host that closes waits for them. */
  private readonly live = new Set<Promise<void>>();

  /** Overviews waiting for this host's training to end (they would slow it down). */
  private readonly deferred: SnapshotSummary[] = [];
  private resumeTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: RunStore,
    private readonly events: EventBus,
    private readonly client: InspectComputeClient,
    /** Whether this host trains now: its workers need the cores more than a cache does. */
    private readonly isTraining: () => boolean = () => false,
  ) {}

  /** Stops waiting to start deferred overviews (the host closes). */
  stop(): void {
    clearInterval(this.resumeTimer);
    this.deferred.length = 0;
  }

  /** Looks now and then whether this host's training has ended, then starts the deferred overviews. */
  private waitForIdle(): void {
    if (this.resumeTimer) return;
    this.resumeTimer = setInterval(() => {
      if (this.isTraining()) return;
      clearInterval(this.resumeTimer);
      this.resumeTimer = undefined;
      for (const snapshot of this.deferred.splice(0)) this.precomputeOverview(snapshot);
    }, IDLE_CHECK_MS);
    this.resumeTimer.unref();
  }

  /** A snapshot was just stored (training or a capture job). */
  onSnapshot(snapshot: SnapshotSummary): void {
    const derivation = this.derive(snapshot);
    if (!derivation) return;
    this.live.add(derivation);
    void derivation.finally(() => this.live.delete(derivation));
  }

  /** Derives the metrics of the run's snapshots that have none yet. Returns when all are written. */
  async catchUp(runId: number): Promise<void> {
    const snapshots = this.store.snapshots.list(runId);
    if (snapshots.length === 0) return;
    const present = new Set(this.store.metrics.series(runId, INSPECT_METRICS.offDiagonalExact).steps);
    await Promise.all(
      snapshots.filter((snapshot) => !present.has(snapshot.step)).map((snapshot) => this.derive(snapshot)),
    );
  }

  /** Every run's snapshots that lack metrics (the app, shortly after it opens). */
  async catchUpAll(): Promise<void> {
    for (const run of this.store.runs.list()) await this.catchUp(run.id);
  }

  /** Waits (up to `timeoutMs`) for the derivations of snapshots stored while this host ran. */
  async settle(timeoutMs: number): Promise<void> {
    if (this.live.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.live]),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  private derive(snapshot: SnapshotSummary): Promise<void> | undefined {
    if (this.seen.has(snapshot.id)) return undefined;
    this.seen.add(snapshot.id);
    return this.client
      .compute('metrics', { kind: 'metrics', snapshotId: snapshot.id }, { priority: 'background' })
      .then((values) => {
        this.write(snapshot, values);
        this.precomputeOverview(snapshot);
      })
      .catch((error: unknown) => {
        const interrupted =
          error instanceof AppFailure && (error.code === 'unavailable' || error.code === 'not-found');
        // A shut-down host or a deleted snapshot: a later catch-up tries again. A derivation that
        // failed (a bug) is said once and not retried by this host on every listing.
        if (interrupted) this.seen.delete(snapshot.id);
        if (interrupted || !this.store.database.open || !this.store.runs.summary(snapshot.runId)) return;
        const message = error instanceof Error ? error.message : String(error);
        console.error(
          `Inspector: the metrics of snapshot ${snapshot.id} (run ${snapshot.runId}) failed: ${message}`,
        );
      });
  }

  /**
   * The Inspect tab's first picture of a snapshot (the whole cross-correlation, original order)
   * is derived in the background too and kept in snapshot_views, so opening and scrubbing
   * through steps reads it back instead of waiting seconds at large d. Not while this host
   * trains: on two cores it would take seconds of CPU from every epoch (the metrics, which the
   * charts show live, still go at once).
   */
  private precomputeOverview(snapshot: SnapshotSummary): void {
    if (this.isTraining()) {
      this.deferred.push(snapshot);
      this.waitForIdle();
      return;
    }
    const input = callInputSchemas['inspect:matrix'].parse({ snapshotId: snapshot.id });
    const key = matrixKey(input, resolveRegion(input, snapshot.d));
    this.client.compute(key, { kind: 'matrix', ...input }, { priority: 'background' }).catch(() => undefined);
  }

  private write(snapshot: SnapshotSummary, values: Record<string, number>): void {
    if (!this.store.database.open || !this.store.runs.summary(snapshot.runId)) return;
    const points: MetricPoint[] = Object.entries(values).map(([name, value]) => ({
      name,
      step: snapshot.step,
      epoch: snapshot.epoch,
      value,
      wallTimeMs: snapshot.createdAt,
    }));
    this.store.metrics.append(snapshot.runId, points);
    this.events.emit('run:metrics', { runId: snapshot.runId, series: toSeries(points) });
  }
}

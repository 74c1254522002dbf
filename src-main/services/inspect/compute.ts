import type { LossConfig } from '@shared/config/run-config';
import { AppFailure } from '@shared/errors';
import {
  type MatrixCells,
  type SnapshotSummary,
  type SpectrumPart,
  type SpectrumView,
  type SummaryPair,
  type SummaryView,
} from '@shared/inspect';
import { matrixCells } from '../../ml/inspect/matrix';
import { snapshotMetrics } from '../../ml/inspect/metrics';
import type { SnapshotData } from '../../ml/inspect/snapshot-data';
import { spectrum, type SpectrumResult } from '../../ml/inspect/spectrum';
import {
  defaultSummaryView,
  lossFamily,
  relaxationOf,
  summaryPair,
  summaryView,
} from '../../ml/inspect/summaries';
import type { RunStore } from '../../storage/store';
import type { InspectAnswers, InspectRequest } from '../../workers/inspect-protocol';
import { encodeFloat32Fast } from './base64';
import { packView, unpackView } from './view-bytes';
import { checkMatrixRequest, isPersistedMatrix } from './view-keys';

export type Progress = (done: number, total: number) => void;

/** Decoded snapshots kept for the next request (scrubbing a view, then a tile of it). */
const KEEP_LOADED = 2;

/**
 * Derives inspector views from snapshots in a store: the compute thread's work, and the CLI's
 * (which waits for it anyway). Overviews of the whole matrix, summaries and spectra are kept in
 * `snapshot_views` under the request's key and read back from there.
 */
export class InspectComputer {
  private readonly loaded = new Map<number, { summary: SnapshotSummary; data: SnapshotData }>();

  constructor(
    private readonly store: RunStore,
    /** False for a store opened read-only (a CLI on a file it may not write). */
    private readonly writeCache = !store.readonly,
  ) {}

  async compute<K extends InspectRequest['kind']>(
    key: string,
    request: Extract<InspectRequest, { kind: K }>,
    onProgress?: Progress,
    signal?: AbortSignal,
  ): Promise<InspectAnswers[K]> {
    const answer = await this.dispatch(key, request as InspectRequest, onProgress, signal);
    return answer as InspectAnswers[K];
  }

  private dispatch(
    key: string,
    request: InspectRequest,
    onProgress: Progress | undefined,
    signal: AbortSignal | undefined,
  ): Promise<InspectAnswers[keyof InspectAnswers]> {
    switch (request.kind) {
      case 'matrix':
        return this.matrix(key, request, onProgress, signal);
      case 'summary':
        return this.cachedJson(key, request.snapshotId, () => this.summary(request, signal));
      case 'pair':
        return Promise.resolve(this.pair(request));
      case 'spectrum':
        return this.cachedJson(key, request.snapshotId, () => this.spectrum(request.snapshotId));
      case 'metrics':
        return this.metrics(request.snapshotId, signal);
    }
  }

  /** The snapshot's numbers (decoded once, kept for the next requests). */
  load(snapshotId: number): { summary: SnapshotSummary; data: SnapshotData } {
    const kept = this.loaded.get(snapshotId);
    if (kept) {
      this.loaded.delete(snapshotId);
      this.loaded.set(snapshotId, kept);
      return kept;
    }
    const found = this.store.snapshots.load(snapshotId);
    if (!found) throw new AppFailure('not-found', `Snapshot ${snapshotId} does not exist`);
    this.loaded.set(snapshotId, found);
    while (this.loaded.size > KEEP_LOADED) this.loaded.delete(this.loaded.keys().next().value!);
    return found;
  }

  /** Forgets decoded snapshots (a deleted run's), so their memory goes. */
  forget(): void {
    this.loaded.clear();
  }

  lossOf(runId: number): LossConfig {
    const config = this.store.runs.config(runId);
    if (!config) throw new AppFailure('not-found', `Run ${runId} does not exist`);
    return config.loss;
  }

  private async matrix(
    key: string,
    input: Extract<InspectRequest, { kind: 'matrix' }>,
    onProgress: Progress | undefined,
    signal: AbortSignal | undefined,
  ): Promise<MatrixCells> {
    const summary = this.summaryOf(input.snapshotId);
    const minus =
      input.minusSnapshotId === undefined ? undefined : this.store.snapshots.summary(input.minusSnapshotId);
    const region = checkMatrixRequest(input, summary, minus);
    const persist = isPersistedMatrix(region, summary.d);
    type Header = Omit<MatrixCells, 'values' | 'computeMs' | 'cached'>;
    if (persist) {
      const bytes = this.store.snapshots.view(input.snapshotId, key);
      const cached = bytes && unpackView<Header>(bytes);
      if (cached)
        return { ...cached.header, values: encodeFloat32Fast(cached.values), computeMs: 0, cached: true };
    }
    const start = performance.now();
    const { data } = this.load(input.snapshotId);
    const minusData = input.minusSnapshotId === undefined ? null : this.load(input.minusSnapshotId).data;
    const cells = await matrixCells(
      data,
      { ...input, region, minus: minusData, ...(signal ? { signal } : {}) },
      onProgress,
    );
    const header: Header = {
      snapshotId: input.snapshotId,
      view: input.view,
      order: input.order,
      reduce: input.reduce,
      maskDiagonal: input.maskDiagonal,
      minusSnapshotId: input.minusSnapshotId ?? null,
      d: summary.d,
      region: cells.region,
      cellRows: cells.cellRows,
      cellCols: cells.cellCols,
      rows: cells.rows,
      cols: cells.cols,
      min: cells.min,
      max: cells.max,
    };
    if (persist) this.putView(input.snapshotId, key, packView(header, cells.values));
    return {
      ...header,
      values: encodeFloat32Fast(cells.values),
      computeMs: performance.now() - start,
      cached: false,
    };
  }

  private async summary(
    input: Extract<InspectRequest, { kind: 'summary' }>,
    signal: AbortSignal | undefined,
  ): Promise<SummaryView> {
    const { summary, data } = this.load(input.snapshotId);
    const loss = this.lossOf(summary.runId);
    const view = lossFamily(loss) === 'bt' ? defaultSummaryView(loss) : input.view;
    const result = await summaryView(data, loss, view, signal);
    return {
      snapshotId: input.snapshotId,
      family: result.family,
      view: result.view,
      blockSize: result.blockSize,
      groups: result.groups,
      q: result.q,
      permuted: result.permuted,
      contributions: encodeFloat32Fast(result.contributions),
      relaxedPenalty: result.relaxedPenalty,
      exactPenalty: result.exactPenalty,
      computeMs: 0,
    };
  }

  private pair(input: Extract<InspectRequest, { kind: 'pair' }>): SummaryPair {
    const { summary, data } = this.load(input.snapshotId);
    const loss = this.lossOf(summary.runId);
    const view = lossFamily(loss) === 'bt' ? defaultSummaryView(loss) : input.view;
    const { groups } = relaxationOf(data, loss);
    for (const [name, index] of [
      ['g', input.g],
      ['h', input.h],
    ] as const)
      if (index >= groups)
        throw new AppFailure(
          'invalid-input',
          `Block ${name} = ${index} does not exist: snapshot ${summary.id} has ${groups} block${groups === 1 ? '' : 's'} per side (0 to ${groups - 1})`,
          { [name]: `At most ${groups - 1}` },
        );
    const result = summaryPair(data, loss, input.g, input.h, view);
    return {
      snapshotId: input.snapshotId,
      g: input.g,
      h: input.h,
      blockSize: result.blockSize,
      r: encodeFloat32Fast(result.r),
      lagZeroExcluded: result.lagZeroExcluded,
      region: result.region,
    };
  }

  private async spectrum(snapshotId: number): Promise<SpectrumView> {
    const { data } = this.load(snapshotId);
    const result = await spectrum(data);
    const part = (side: SpectrumResult): SpectrumPart => ({
      eigenvalues: Array.from(side.eigenvalues),
      rankMe: side.rankMe,
      stdHistogram: side.stdHistogram,
      collapsed: side.collapsed,
      width: side.width,
    });
    return {
      snapshotId,
      z: part(result.z),
      backbone: result.backbone ? part(result.backbone) : null,
      computeMs: 0,
    };
  }

  private async metrics(
    snapshotId: number,
    signal: AbortSignal | undefined,
  ): Promise<Record<string, number>> {
    const { summary, data } = this.load(snapshotId);
    return snapshotMetrics(data, this.lossOf(summary.runId), signal);
  }

  /** A summary or spectrum: read back from the view cache, else computed, timed and stored. */
  private async cachedJson<T extends { computeMs: number }>(
    key: string,
    snapshotId: number,
    derive: () => Promise<T>,
  ): Promise<T> {
    this.summaryOf(snapshotId);
    const bytes = this.store.snapshots.view(snapshotId, key);
    const cached = bytes && unpackView<T>(bytes);
    if (cached) return { ...cached.header, computeMs: 0 };
    const start = performance.now();
    const answer = await derive();
    answer.computeMs = performance.now() - start;
    this.putView(snapshotId, key, packView(answer, null));
    return answer;
  }

  summaryOf(snapshotId: number): SnapshotSummary {
    const summary = this.loaded.get(snapshotId)?.summary ?? this.store.snapshots.summary(snapshotId);
    if (!summary) throw new AppFailure('not-found', `Snapshot ${snapshotId} does not exist`);
    return summary;
  }

  /** A cache write that fails (a read-only or full disk) costs a recomputation later, nothing more. */
  private putView(snapshotId: number, key: string, bytes: Uint8Array): void {
    if (!this.writeCache) return;
    try {
      this.store.snapshots.putView(snapshotId, key, bytes);
    } catch (error) {
      console.error(
        `Inspector: could not cache ${key} of snapshot ${snapshotId}: ${(error as Error).message}`,
      );
    }
  }
}

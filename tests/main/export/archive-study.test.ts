import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StudyPoint } from '@shared/study/types';
import { importRunArchive } from '../../../src-main/export/archive-import';
import { writeRunArchive } from '../../../src-main/export/run-archive';
import { parseRunConfig } from '../../../src-main/services/runs.service';
import { RunStore } from '../../../src-main/storage/store';
import { archiveOf, headerOf, withCell, type ArchiveRecordData } from './crafted-archive';

const POINT: StudyPoint = {
  values: { 'loss.name': 'fft-bt', loss: { name: 'fft-bt', permutation: 'none' } },
  labels: { 'loss.name': 'fft-bt', loss: 'sBT (no perm.)' },
  seed: 2,
};

const studyColumns = (store: RunStore, runId: number) =>
  store.database.prepare('SELECT study_id, study_point_json FROM runs WHERE id = ?').get(runId) as {
    study_id: number | null;
    study_point_json: string | null;
  };

describe('a run of a study exported and imported: it travels without its study', () => {
  let dir: string;
  let records: ArchiveRecordData[];
  let target: RunStore;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'decorbench-study-archive-'));
    const source = RunStore.open(join(dir, 'source.sqlite'));
    try {
      const config = parseRunConfig({ name: 'study run', loss: { name: 'fft-bt', permutation: 'none' } });
      const study = { name: 's', description: '', base: { name: 'b' }, axes: [], seeds: 3, seedStart: 0 };
      const evaluation = { linear: false, knnSweep: false, linearSettings: {} };
      const { runIds } = source.studies.create({ ...study, evaluation }, [{ config, point: POINT }]);
      source.runs.setStatus(runIds[0]!, { status: 'completed', startedAt: 1, endedAt: 2 });
      const file = join(dir, 'run.jsonl.gz');
      await writeRunArchive(source, runIds[0]!, file);
      records = gunzipSync(readFileSync(file))
        .toString('utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => JSON.parse(line) as ArchiveRecordData);
    } finally {
      source.close();
    }
    target = RunStore.open(join(dir, 'target.sqlite'));
  });
  afterAll(() => {
    target.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const importOf = async (name: string, crafted: ArchiveRecordData[]) => {
    const file = join(dir, `${name}.jsonl.gz`);
    writeFileSync(file, archiveOf(crafted));
    return importRunArchive(target, file);
  };

  it('writes the grid cell, not the study id', () => {
    const columns = headerOf(records).tables.runs!;
    expect(columns).toContain('study_point_json');
    expect(columns).not.toContain('study_id');
  });

  it('imports as a run of no study that keeps its point (or none)', async () => {
    const { runId } = await importOf('good', records);
    expect(studyColumns(target, runId)).toEqual({ study_id: null, study_point_json: JSON.stringify(POINT) });
    expect(target.studies.list()).toEqual([]);
    const { runId: plain } = await importOf('no-point', withCell(records, 'runs', 'study_point_json', null));
    expect(studyColumns(target, plain)).toEqual({ study_id: null, study_point_json: null });
  });

  it('refuses a point the studies repo could not read, and a study id', async () => {
    const before = target.runs.list().length;
    const refusal = (crafted: ArchiveRecordData[]) =>
      importOf('bad', crafted).then(
        () => 'imported',
        (error: Error) => error.message,
      );
    const cell = (value: unknown) => refusal(withCell(records, 'runs', 'study_point_json', value));
    expect(await cell('not json')).toMatch(/runs\.study_point_json: is not valid JSON/);
    expect(await cell('{"values":{},"labels":{},"seed":-1}')).toMatch(/runs\.study_point_json: seed: /);
    expect(await cell('{"values":{"d":[1]},"labels":{},"seed":1}')).toMatch(/runs\.study_point_json: values/);
    expect(await cell(7)).toMatch(/runs\.study_point_json/);
    // An archive that names a study (a crafted header) does not match the columns an archive may have.
    const withStudy = structuredClone(records);
    headerOf(withStudy).tables.runs!.push('study_id');
    const runs = withStudy.find((record) => record.type === 'rows' && record.table === 'runs')!;
    (runs.rows as unknown[][])[0]!.push(1);
    expect(await refusal(withStudy)).toMatch(/its columns of table runs do not match this database/);
    expect(target.runs.list()).toHaveLength(before);
  });
});

import type { Database } from 'better-sqlite3';
import type { RunPage, RunQuery, RunSortField } from '@shared/compare';
import { SUMMARY_COLUMNS, toSummary, type RunSummaryRow } from './runs.repo';

/**
 * The SQL of each sort column. Figures a run may lack sort after those it has, whatever the
 * direction (NULLS LAST), and the id breaks ties so pages never overlap.
 */
const SORT_SQL: Readonly<Record<RunSortField, string>> = {
  id: 'id',
  name: 'name COLLATE NOCASE',
  status: 'status',
  loss: 'loss_name',
  createdAt: 'created_at',
  // The final kNN accuracy of a finished run, the latest one of a run that still trains.
  knnTop1: `coalesce(json_extract(results_json, '$.knnTop1'), json_extract(results_json, '$.latestKnnTop1'))`,
  trainingMs: `coalesce(json_extract(progress_json, '$.trainingMs'), coalesce(ended_at, started_at) - started_at)`,
};

/** LIKE's wildcards in user text match themselves. */
const likePattern = (term: string): string => `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * What a free-text term is matched against, both sides lower-cased by `unicode_lower` (SQLite's
 * lower() and LIKE fold ASCII only: "ärger" would not find "Ärger").
 */
const TERM_SQL = `(unicode_lower(name) LIKE @term ESCAPE '\\' OR status LIKE @term ESCAPE '\\' OR unicode_lower(loss_name) LIKE @term ESCAPE '\\'
  OR unicode_lower(json_extract(config_json, '$.model.backbone')) LIKE @term ESCAPE '\\' OR unicode_lower(notes) LIKE @term ESCAPE '\\'
  OR EXISTS (SELECT 1 FROM json_each(runs.tags_json) WHERE unicode_lower(value) LIKE @term ESCAPE '\\'))`;

/** The runs list with filter, sort and paging: one query for the page and one for the total. */
export class RunQueriesRepository {
  constructor(private readonly database: Database) {
    database.function('unicode_lower', { deterministic: true }, (text: unknown) =>
      typeof text === 'string' ? text.toLowerCase() : text,
    );
  }

  query(query: RunQuery): RunPage {
    const conditions: string[] = [];
    // Named parameters (@p0, @p1, ...): a term is matched against six columns with one value.
    const parameters: Record<string, unknown> = {};
    const bind = (value: unknown): string => {
      const key = `p${Object.keys(parameters).length}`;
      parameters[key] = value;
      return `@${key}`;
    };
    // Every word of the filter must match somewhere: "bt seed" finds BT runs tagged seed-1.
    for (const term of (query.filter ?? '').toLowerCase().split(/\s+/u).filter(Boolean)) {
      conditions.push(TERM_SQL.replaceAll('@term', bind(likePattern(term))));
    }
    if (query.status?.length) {
      conditions.push(`status IN (${query.status.map(bind).join(', ')})`);
    }
    for (const tag of query.tags ?? []) {
      conditions.push(
        `EXISTS (SELECT 1 FROM json_each(runs.tags_json) WHERE unicode_lower(value) = ${bind(tag.toLowerCase())})`,
      );
    }
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const direction = query.direction === 'asc' ? 'ASC' : 'DESC';
    const order = `${SORT_SQL[query.sort]} ${direction} NULLS LAST, id ${direction}`;
    return this.database.transaction(() => {
      const total = this.database
        .prepare(`SELECT count(*) FROM runs ${where}`)
        .pluck()
        .get(parameters) as number;
      const rows = this.database
        .prepare(`SELECT ${SUMMARY_COLUMNS} FROM runs ${where} ORDER BY ${order} LIMIT @limit OFFSET @offset`)
        .all({ ...parameters, limit: query.limit, offset: query.offset }) as RunSummaryRow[];
      return { total, runs: rows.map(toSummary) };
    })();
  }

  /**
   * Sets a run's name, tags and notes (those given); false when the run does not exist. The
   * configuration's name follows the run's, so a duplicate of a renamed run starts from the new name.
   */
  update(runId: number, change: { name?: string; tags?: readonly string[]; notes?: string }): boolean {
    const sets: string[] = [];
    const values: Record<string, unknown> = { runId };
    if (change.name !== undefined) {
      sets.push(`name = @name, config_json = json_set(config_json, '$.name', @name)`);
      values.name = change.name;
    }
    if (change.tags !== undefined) {
      sets.push('tags_json = @tags');
      values.tags = JSON.stringify(uniqueTags(change.tags));
    }
    if (change.notes !== undefined) {
      sets.push('notes = @notes');
      values.notes = change.notes;
    }
    if (sets.length === 0) {
      return this.database.prepare('SELECT 1 FROM runs WHERE id = ?').get(runId) !== undefined;
    }
    return (
      this.database.prepare(`UPDATE runs SET ${sets.join(', ')} WHERE id = @runId`).run(values).changes > 0
    );
  }
}

/** Tags once each (case-insensitively, the first spelling kept), in the order given. */
export function uniqueTags(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  return tags.filter((tag) => {
    const key = tag.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

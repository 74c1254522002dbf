import type { Database } from 'better-sqlite3';
import type { CompareState, SavedComparison } from '@shared/compare';

interface ComparisonRow {
  id: number;
  name: string;
  state_json: string;
  created_at: number;
  updated_at: number;
}

const toComparison = (row: ComparisonRow): SavedComparison => ({
  id: row.id,
  name: row.name,
  state: JSON.parse(row.state_json) as CompareState,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Comparisons saved under a name: the Compare page's state, to reopen later. */
export class ComparisonsRepository {
  constructor(private readonly database: Database) {}

  /** Newest change first. */
  list(): SavedComparison[] {
    return this.database
      .prepare<[], ComparisonRow>('SELECT * FROM comparisons ORDER BY updated_at DESC, id DESC')
      .all()
      .map(toComparison);
  }

  get(id: number): SavedComparison | undefined {
    const row = this.database
      .prepare<[number], ComparisonRow>('SELECT * FROM comparisons WHERE id = ?')
      .get(id);
    return row && toComparison(row);
  }

  /** A new comparison; its id is assigned here. */
  create(name: string, state: CompareState, now = Date.now()): SavedComparison {
    const info = this.database
      .prepare('INSERT INTO comparisons (name, state_json, created_at, updated_at) VALUES (?, ?, ?, ?)')
      .run(name, JSON.stringify(state), now, now);
    return this.get(Number(info.lastInsertRowid))!;
  }

  /** Overwrites a saved comparison; undefined when there is none of that id. */
  update(id: number, name: string, state: CompareState, now = Date.now()): SavedComparison | undefined {
    const changes = this.database
      .prepare('UPDATE comparisons SET name = ?, state_json = ?, updated_at = ? WHERE id = ?')
      .run(name, JSON.stringify(state), now, id).changes;
    return changes > 0 ? this.get(id) : undefined;
  }

  delete(id: number): boolean {
    return this.database.prepare('DELETE FROM comparisons WHERE id = ?').run(id).changes > 0;
  }
}

import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { SingleBar, Presets } from 'cli-progress';
import { AppError } from '../errors.js';
import { whileBusy } from './busy.js';
import type { Deps, Scope } from '../services/context.js';
import { findPool } from '../services/administrators.js';
import { previewResignation, resign, type ResignationOutcome } from '../services/lifecycle.js';
import { checkUserIdType } from '../services/user-resolver.js';
import { csvLine } from '../lib/csv.js';

/** The resignation API's batch limit, and the CLI's: one transaction per 50 people. */
export const BATCH = 50;

/** A first cell that names a column is a header; one that names an id type also sets the type. */
const HEADERS: Record<string, string | undefined> = {
  identifier: undefined, id: 'user_id', userid: 'user_id', user_id: 'user_id', email: 'email', phone: 'phone', username: 'username',
  external_id: 'external_id', externalid: 'external_id', identity: 'identity', sync_relation: 'sync_relation',
};

export interface ResignCsvOptions {
  csv: string;
  idType?: string;
  dryRun: boolean;
  pool?: string;
  state?: string;
  report?: string;
  /** Stop after this many batches (resumable): for throttling, and to split a long run. */
  maxBatches?: number;
  progress: boolean;
}

export type RowOutcome = 'resigned' | 'already_resigned' | 'not_found' | 'would_resign' | 'error';

interface RowResult {
  row: number;
  identifier: string;
  userId?: string;
  outcome: RowOutcome;
  removed?: Record<string, number>;
  sessionsEnded?: number;
  requestId?: string;
  message?: string;
}

interface State {
  csvSha256: string;
  idType: string;
  dryRun: boolean;
  poolId: string;
  batchesDone: number;
  complete: boolean;
  results: RowResult[];
}

export interface ResignCsvSummary {
  statePath: string;
  reportPath: string;
  complete: boolean;
  resumedFrom: number;
  counts: Record<RowOutcome, number>;
}

/** The identifiers of the file's first column with their line numbers, and the id type its header names. */
export function readIdentifiers(text: string): { rows: Array<{ row: number; identifier: string }>; headerType?: string; hasHeader: boolean } {
  const records = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: true, bom: true, info: true }) as unknown as Array<{ record: string[]; info: { lines: number } }>;
  const first = records[0]?.record[0]?.toLowerCase();
  const hasHeader = first !== undefined && first in HEADERS;
  const rows = records.slice(hasHeader ? 1 : 0).map((r) => ({ row: r.info.lines, identifier: r.record[0] ?? '' })).filter((r) => r.identifier !== '');
  return { rows, headerType: hasHeader ? HEADERS[first!] : undefined, hasHeader };
}

const countsOf = (outcome: ResignationOutcome | undefined) => outcome?.removed
  ? Object.fromEntries(Object.entries(outcome.removed).map(([k, v]) => [k, (v as unknown[]).length]))
  : undefined;

function saveState(path: string, state: State): void {
  // Written whole and renamed, so an interruption leaves the old state or the new one.
  writeFileSync(`${path}.tmp`, JSON.stringify(state));
  renameSync(`${path}.tmp`, path);
}

const REPORT_COLUMNS = ['row', 'identifier', 'userId', 'outcome', 'departments', 'roles', 'groups', 'posts', 'authorizations', 'publicAccounts', 'applicationAccess', 'sessionsEnded', 'requestId', 'message'];

function writeReport(path: string, results: RowResult[]): void {
  const lines = results.map((r) => csvLine([
    r.row, r.identifier, r.userId, r.outcome, r.removed?.departments, r.removed?.roles, r.removed?.groups, r.removed?.posts, r.removed?.authorizations,
    r.removed?.publicAccounts, r.removed?.applicationAccess, r.sessionsEnded, r.requestId, r.message,
  ]));
  writeFileSync(path, [REPORT_COLUMNS.join(','), ...lines].join('\r\n') + '\r\n');
}

/** One batch: previewed (which ids resolve), then, unless it is a dry run, resigned in one transaction. */
async function runBatch(deps: Deps, poolId: string, batch: Array<{ row: number; identifier: string }>, idType: string, dryRun: boolean, claimed: Set<string>): Promise<RowResult[]> {
  const requestId = randomUUID();
  const scope: Scope = { ...deps, poolId, actor: 'cli', actorType: 'system', requestId };
  const ids = batch.map((b) => b.identifier);
  const preview = await whileBusy(() => previewResignation(scope, ids, idType));
  const found = new Map(preview.list.map((item) => [item.id, item]));
  let outcomes = new Map<string, ResignationOutcome>();
  let failure: string | undefined;
  const resolved = ids.filter((id) => found.has(id));
  if (!dryRun && resolved.length) {
    try {
      outcomes = new Map((await whileBusy(() => resign(scope, resolved, idType, 'user', 'resign-user-batch'))).map((o) => [o.userId, o]));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      failure = error.message;
    }
  }
  return batch.map(({ row, identifier }): RowResult => {
    const item = found.get(identifier);
    if (!item) return { row, identifier, outcome: 'not_found', message: `no user for ${idType} "${identifier}"` };
    if (failure) return { row, identifier, userId: item.userId, outcome: 'error', message: failure };
    // A person named twice (in this batch or an earlier one) is resigned once: later rows say so.
    const first = !claimed.has(item.userId);
    claimed.add(item.userId);
    if (dryRun) {
      return item.alreadyResigned || !first
        ? { row, identifier, userId: item.userId, outcome: 'already_resigned' }
        : { row, identifier, userId: item.userId, outcome: 'would_resign', removed: countsOf(item), sessionsEnded: item.sessionsEnded.length };
    }
    const outcome = outcomes.get(item.userId);
    return outcome?.resigned && first
      ? { row, identifier, userId: item.userId, outcome: 'resigned', removed: countsOf(outcome), sessionsEnded: outcome.sessionsEnded.length, requestId }
      : { row, identifier, userId: item.userId, outcome: 'already_resigned', requestId };
  });
}

/**
 * `userpool resign --csv FILE`: the people of the file's first column, 50 per transaction, each
 * batch through the same preview and resignation as the API (audited as the CLI, with receipts).
 * After each batch the state file records how far it got, so a run that was interrupted (Ctrl-C,
 * a crash, `--max-batches`) goes on from there when started again with the same file; a batch
 * whose commit was not yet recorded is simply resigned again, which changes nothing.
 */
export async function resignFromCsv(deps: Deps, options: ResignCsvOptions, shouldStop: () => boolean): Promise<ResignCsvSummary> {
  const text = readFileSync(options.csv, 'utf8');
  const csvSha256 = createHash('sha256').update(text).digest('hex');
  const { rows, headerType } = readIdentifiers(text);
  const idType = checkUserIdType(options.idType ?? headerType, '--id-type');
  const pool = await findPool(deps, options.pool);
  const statePath = options.state ?? `${options.csv}.${options.dryRun ? 'dry-run' : 'resign'}-state.json`;
  const reportPath = options.report ?? `${options.csv}.${options.dryRun ? 'dry-run' : 'resign'}-report.csv`;

  let state: State = { csvSha256, idType, dryRun: options.dryRun, poolId: pool.id, batchesDone: 0, complete: false, results: [] };
  if (existsSync(statePath)) {
    const saved = JSON.parse(readFileSync(statePath, 'utf8')) as State;
    if (saved.csvSha256 !== csvSha256 || saved.idType !== idType || saved.dryRun !== options.dryRun || saved.poolId !== pool.id) {
      throw new AppError(400, undefined, `--state: ${statePath} belongs to another run (another file, id type, pool or --dry-run); remove it or pass another --state`);
    }
    state = saved;
  }
  const resumedFrom = state.batchesDone;
  const batches = Math.ceil(rows.length / BATCH);
  const bar = options.progress ? new SingleBar({ format: 'resigning [{bar}] {value}/{total} people | batch {batch}/{batches}', stream: process.stderr }, Presets.shades_classic) : undefined;
  bar?.start(rows.length, Math.min(rows.length, state.batchesDone * BATCH), { batch: state.batchesDone, batches });
  let ran = 0;
  const claimed = new Set(state.results.filter((r) => r.outcome === 'resigned' || r.outcome === 'would_resign').map((r) => r.userId!));
  while (state.batchesDone < batches && !shouldStop() && (options.maxBatches === undefined || ran < options.maxBatches)) {
    const batch = rows.slice(state.batchesDone * BATCH, (state.batchesDone + 1) * BATCH);
    state.results.push(...(await runBatch(deps, pool.id, batch, idType, options.dryRun, claimed)));
    state.batchesDone += 1;
    ran += 1;
    state.complete = state.batchesDone >= batches;
    saveState(statePath, state);
    bar?.update(Math.min(rows.length, state.batchesDone * BATCH), { batch: state.batchesDone, batches });
  }
  bar?.stop();
  state.complete = state.batchesDone >= batches;
  saveState(statePath, state);
  writeReport(reportPath, state.results);
  const counts: Record<RowOutcome, number> = { resigned: 0, already_resigned: 0, not_found: 0, would_resign: 0, error: 0 };
  for (const r of state.results) counts[r.outcome] += 1;
  return { statePath, reportPath, complete: state.complete, resumedFrom, counts };
}

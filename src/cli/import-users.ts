import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { SingleBar, Presets } from 'cli-progress';
import { Value } from 'typebox/value';
import { AppError } from '../errors.js';
import { csvLine } from '../lib/csv.js';
import { CreateUserBody } from '../schemas/users.js';
import type { Deps, Scope } from '../services/context.js';
import { findPool } from '../services/administrators.js';
import { createUsers, type CreateUserInput } from '../services/users.js';
import { recordAudit } from '../services/audit.js';
import { whileBusy } from './busy.js';

/** Columns a file may have: the create-user fields that are plain text or yes/no. */
const BOOLEAN_COLUMNS = new Set(['emailVerified', 'phoneVerified']);
const NOT_COLUMNS = new Set(['options', 'identities', 'customData', 'tenantIds', 'departmentIds', 'metadataSource', 'salt']);
export const IMPORT_COLUMNS = Object.keys(CreateUserBody.properties).filter((name) => !NOT_COLUMNS.has(name));

export interface ImportOptions {
  csv: string;
  pool?: string;
  report?: string;
  progress: boolean;
}

interface ImportRow {
  row: number;
  outcome: 'imported' | 'rejected';
  userId?: string;
  username?: string;
  email?: string;
  reason?: string;
}

export interface ImportSummary {
  imported: number;
  rejected: ImportRow[];
  reportPath: string;
}

/** The same field checks the create-user schema makes, named as the API names them. */
function schemaErrors(input: Record<string, unknown>): string | undefined {
  if (Value.Check(CreateUserBody, input)) return undefined;
  const errors = [...Value.Errors(CreateUserBody, input)].map((e) => `${e.instancePath.replace(/^\//, '').replace(/\//g, '.') || 'row'}: ${e.message}`);
  return [...new Set(errors)].join('; ');
}

function rowInput(record: Record<string, string>): Record<string, unknown> | string {
  const input: Record<string, unknown> = {};
  for (const [column, raw] of Object.entries(record)) {
    if (raw === '') continue;
    if (BOOLEAN_COLUMNS.has(column)) {
      if (!/^(true|false|yes|no|1|0)$/i.test(raw)) return `${column}: "${raw}" is not true or false`;
      input[column] = /^(true|yes|1)$/i.test(raw);
    } else {
      input[column] = raw;
    }
  }
  return input;
}

/**
 * `userpool import users.csv`: one user per line (a header names the create-user fields), each
 * checked by the create-user schema and created through the same service in its own transaction,
 * audited as `create-user` by the CLI. A refused line is reported with its reason; the others are
 * imported.
 */
export async function importUsers(deps: Deps, options: ImportOptions): Promise<ImportSummary> {
  const text = readFileSync(options.csv, 'utf8');
  const records = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true, info: true, relax_column_count: true }) as unknown as Array<{ record: Record<string, string>; info: { lines: number } }>;
  const columns = records.length ? Object.keys(records[0].record) : [];
  const unknown = columns.filter((c) => !IMPORT_COLUMNS.includes(c));
  if (unknown.length) throw new AppError(400, undefined, `${basename(options.csv)}: unknown column ${unknown.map((c) => `"${c}"`).join(', ')}; columns are ${IMPORT_COLUMNS.join(', ')}`);
  const pool = await findPool(deps, options.pool);
  const reportPath = options.report ?? `${options.csv}.import-report.csv`;
  const bar = options.progress ? new SingleBar({ format: 'importing [{bar}] {value}/{total} rows | {rejected} rejected', stream: process.stderr }, Presets.shades_classic) : undefined;
  bar?.start(records.length, 0, { rejected: 0 });
  const results: ImportRow[] = [];
  for (const { record, info } of records) {
    const input = rowInput(record);
    const base = { row: info.lines, username: record.username || undefined, email: record.email || undefined };
    const reason = typeof input === 'string' ? input : schemaErrors(input);
    if (reason) {
      results.push({ ...base, outcome: 'rejected', reason });
    } else {
      const scope: Scope = { ...deps, poolId: pool.id, actor: 'cli', actorType: 'system', requestId: randomUUID() };
      try {
        const [user] = await whileBusy(() => createUsers(scope, [input as CreateUserInput], {}, {}, {
          inTransaction: (trx, rows) => recordAudit(trx, scope, { action: 'create-user', targetType: 'user', targetIds: [rows[0].id], detail: { source: 'import', file: basename(options.csv), row: info.lines } }),
        }));
        results.push({ ...base, outcome: 'imported', userId: user.userId });
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        results.push({ ...base, outcome: 'rejected', reason: error.message });
      }
    }
    bar?.increment(1, { rejected: results.filter((r) => r.outcome === 'rejected').length });
  }
  bar?.stop();
  const lines = results.map((r) => csvLine([r.row, r.outcome, r.userId, r.username, r.email, r.reason]));
  writeFileSync(reportPath, ['row,outcome,userId,username,email,reason', ...lines].join('\r\n') + '\r\n');
  return { imported: results.filter((r) => r.outcome === 'imported').length, rejected: results.filter((r) => r.outcome === 'rejected'), reportPath };
}

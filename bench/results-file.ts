/**
 * The text of bench/RESULTS.md after a run, as a pure function of the file before it.
 *
 * The main table is the first one whose header starts `| database | scenario |`; a row is named
 * by its first two cells (database and scenario name).
 * - A full run writes the title, the "Measured by" lines and the main table anew. The notes
 *   between the old title and the first `## ` section below the table speak of the previous
 *   run and are dropped; every section from there on (hand-written sections, `npm run
 *   bench:cluster`'s block) is kept as it is.
 * - A partial run (`BENCH_ONLY`) replaces the rows it measured, adds the rows that are new
 *   (after the last row of the same database), and records which scenarios it re-measured
 *   when in a block above the table; everything else in the file is kept.
 */

export const TABLE_HEADER = [
  '| database | scenario | HTTP req/s | HTTP p50 ms | HTTP p99 ms | baseline ops/s | baseline p99 ms | ratio | target | verdict |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |',
];

export interface RunInfo {
  /** When the run finished. */
  at: Date;
  /** e.g. `2 × Intel(R) Xeon(R) Processor, Node v20.20.2`. */
  machine: string;
  /** One-minute load average when the run finished. */
  load: number;
  /** The `BENCH_ONLY` scenario keys; absent for a full run. */
  only?: string[];
}

const PARTIAL_START = '<!-- partial-runs:start -->';
const PARTIAL_END = '<!-- partial-runs:end -->';
const PARTIAL_INTRO = 'Rows re-measured since by partial runs (`BENCH_ONLY`), each of which replaced the rows of its own scenarios only:';

export function formatRow(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

const cellsOf = (line: string) => line.replace(/^\|\s?/, '').replace(/\s?\|$/, '').split(' | ');
const keyOf = (line: string) => cellsOf(line).slice(0, 2).join('\u0000');
const isHeader = (line: string) => line.startsWith('| database | scenario |');

function header(run: RunInfo): string[] {
  return [
    '# Benchmark results',
    '',
    `Measured by \`npm run bench\` on ${run.at.toISOString().slice(0, 10)}: ${run.machine}, load average ${run.load.toFixed(2)}.`,
    'The server runs in its own process; the load generator (autocannon) and the baseline run in the bench process.',
    'The baseline is the same service call (the same database statements) in a loop without HTTP, with as many concurrent callers as the HTTP run has connections, measured in the same run.',
    '',
  ];
}

/** Where the main table sits: its header line and the first line after its last row. */
function locateTable(lines: string[]): { start: number; end: number } | undefined {
  const start = lines.findIndex(isHeader);
  if (start < 0) return undefined;
  let end = start + 2;
  while (end < lines.length && lines[end].startsWith('|')) end++;
  return { start, end };
}

/** Sections from the first `## ` heading after the main table on, with the text that follows. */
function keptSections(lines: string[], tableEnd: number): string[] {
  const first = lines.findIndex((line, i) => i >= tableEnd && line.startsWith('## '));
  return first < 0 ? [] : lines.slice(first);
}

function mergeRows(old: string[], fresh: string[]): string[] {
  const rows = [...old];
  for (const row of fresh) {
    const at = rows.findIndex((r) => keyOf(r) === keyOf(row));
    if (at >= 0) {
      rows[at] = row;
      continue;
    }
    const db = cellsOf(row)[0];
    const after = rows.map((r) => cellsOf(r)[0]).lastIndexOf(db);
    rows.splice(after < 0 ? rows.length : after + 1, 0, row);
  }
  return rows;
}

/** The partial-run lines, one per run, each naming only the scenarios no later run re-measured. */
function partialBlock(existing: string[], run: RunInfo): string[] {
  const only = run.only ?? [];
  const earlier = existing
    .map((line) => /^- (.+): ((?:`[^`]+`(?:, )?)+)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ when: m[1], keys: [...m[2].matchAll(/`([^`]+)`/g)].map((k) => k[1]).filter((k) => !only.includes(k)) }))
    .filter((entry) => entry.keys.length > 0);
  const when = `${run.at.toISOString().slice(0, 16).replace('T', ' ')} UTC on ${run.machine}, load average ${run.load.toFixed(2)}`;
  const entries = [...earlier, { when, keys: only }];
  return [PARTIAL_START, PARTIAL_INTRO, ...entries.map((e) => `- ${e.when}: ${e.keys.map((k) => `\`${k}\``).join(', ')}`), PARTIAL_END];
}

/** The new text of RESULTS.md given the old one (undefined when there is none) and a run's rows. */
export function resultsMarkdown(previous: string | undefined, rows: string[][], run: RunInfo): string {
  const lines = (previous ?? '').split('\n');
  const table = locateTable(lines);
  const fresh = rows.map(formatRow);

  if (!run.only || !table) {
    const kept = table ? keptSections(lines, table.end) : [];
    const text = [...header(run), ...TABLE_HEADER, ...fresh, '', ...kept].join('\n');
    const full = `${text.trimEnd()}\n`;
    return run.only ? resultsMarkdown(full, rows, run) : full;
  }

  const before = lines.slice(0, table.start);
  const blockStart = before.indexOf(PARTIAL_START);
  const blockEnd = before.indexOf(PARTIAL_END);
  const hasBlock = blockStart >= 0 && blockEnd > blockStart;
  const block = partialBlock(hasBlock ? before.slice(blockStart + 1, blockEnd) : [], run);
  const head = hasBlock
    ? [...before.slice(0, blockStart), ...block, ...before.slice(blockEnd + 1)]
    : [...before.slice(0, before.length), ...block, ''];
  const merged = mergeRows(lines.slice(table.start + 2, table.end), fresh);
  return [...head, ...lines.slice(table.start, table.start + 2), ...merged, ...lines.slice(table.end)].join('\n');
}

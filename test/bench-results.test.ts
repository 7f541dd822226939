import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatRow, resultsMarkdown, TABLE_HEADER, type RunInfo } from '../bench/results-file.js';

const row = (db: string, name: string, rps: string) => [db, name, rps, '1.0', '2.0', '-', '-', '-', 'reference', 'reference'];

const previous = [
  '# Benchmark results',
  '',
  'Measured by `npm run bench` on 2026-11-30: 2 × CPU, Node v20.',
  '',
  'A hand-written note on the full run.',
  '',
  ...TABLE_HEADER,
  formatRow(row('SQLite', 'get-user', '100.0')),
  formatRow(row('SQLite', 'signin', '10.0')),
  formatRow(row('PostgreSQL', 'get-user', '90.0')),
  formatRow(row('PostgreSQL', 'signin', '9.0')),
  '',
  'A note on the rows above.',
  '',
  '## Code-flow sign-in',
  '',
  'Written by hand.',
  '',
  ...TABLE_HEADER,
  formatRow(row('SQLite', 'signin', '1.0')),
  '',
  '<!-- cluster:start -->',
  '## Cluster',
  '<!-- cluster:end -->',
  '',
].join('\n');

const at = new Date('2026-12-01T09:12:00Z');
const partial = (only: string[]): RunInfo => ({ at, machine: '2 × CPU, Node v20', load: 3.1, only });
const mainRows = (text: string) => {
  const lines = text.split('\n');
  const start = lines.indexOf(TABLE_HEADER[0]) + 2;
  const end = lines.findIndex((line, i) => i >= start && !line.startsWith('|'));
  return lines.slice(start, end);
};

describe('bench/RESULTS.md after a run', () => {
  it('a partial run replaces the rows of the same database and scenario name and keeps every other row', () => {
    const next = resultsMarkdown(previous, [row('SQLite', 'signin', '20.0'), row('PostgreSQL', 'signin', '19.0')], partial(['signin']));
    expect(mainRows(next)).toEqual([
      formatRow(row('SQLite', 'get-user', '100.0')),
      formatRow(row('SQLite', 'signin', '20.0')),
      formatRow(row('PostgreSQL', 'get-user', '90.0')),
      formatRow(row('PostgreSQL', 'signin', '19.0')),
    ]);
  });

  it('a partial run adds a new row after the last row of its database', () => {
    const next = resultsMarkdown(previous, [row('SQLite', 'code-flow', '3.0'), row('PostgreSQL', 'code-flow', '2.0')], partial(['code-flow']));
    expect(mainRows(next)).toEqual([
      formatRow(row('SQLite', 'get-user', '100.0')),
      formatRow(row('SQLite', 'signin', '10.0')),
      formatRow(row('SQLite', 'code-flow', '3.0')),
      formatRow(row('PostgreSQL', 'get-user', '90.0')),
      formatRow(row('PostgreSQL', 'signin', '9.0')),
      formatRow(row('PostgreSQL', 'code-flow', '2.0')),
    ]);
  });

  it('a partial run keeps the header, the notes and the sections below the table, and leaves tables in those sections alone', () => {
    const next = resultsMarkdown(previous, [row('SQLite', 'signin', '20.0')], partial(['signin']));
    const withoutBlock = next.replace(/<!-- partial-runs:start -->[\s\S]*<!-- partial-runs:end -->\n\n/, '');
    expect(withoutBlock).toBe(previous.replace(formatRow(row('SQLite', 'signin', '10.0')), formatRow(row('SQLite', 'signin', '20.0'))));
  });

  it('the header records which scenarios each partial run re-measured and when, naming each scenario only at its latest run', () => {
    const first = resultsMarkdown(previous, [row('SQLite', 'signin', '20.0')], partial(['signin', 'get-user']));
    expect(first).toContain('- 2026-12-01 09:12 UTC on 2 × CPU, Node v20, load average 3.10: `signin`, `get-user`\n');
    const later = { ...partial(['signin']), at: new Date('2026-12-01T10:00:00Z'), load: 1 };
    const second = resultsMarkdown(first, [row('SQLite', 'signin', '30.0')], later);
    const block = /<!-- partial-runs:start -->\n[^\n]*\n([\s\S]*)<!-- partial-runs:end -->/.exec(second)?.[1];
    expect(block).toBe([
      '- 2026-12-01 09:12 UTC on 2 × CPU, Node v20, load average 3.10: `get-user`',
      '- 2026-12-01 10:00 UTC on 2 × CPU, Node v20, load average 1.00: `signin`',
      '',
    ].join('\n'));
    expect(second.indexOf('<!-- partial-runs:end -->')).toBeLessThan(second.indexOf(TABLE_HEADER[0]));
    expect(second.match(/partial-runs:start/g)).toHaveLength(1);
  });

  it('a full run writes the header and the table anew and keeps every section from the first heading below the table on', () => {
    const withBlock = resultsMarkdown(previous, [row('SQLite', 'signin', '20.0')], partial(['signin']));
    const next = resultsMarkdown(withBlock, [row('SQLite', 'get-user', '50.0')], { at, machine: '4 × CPU, Node v22', load: 0.5 });
    expect(mainRows(next)).toEqual([formatRow(row('SQLite', 'get-user', '50.0'))]);
    expect(next).toContain('Measured by `npm run bench` on 2026-12-01: 4 × CPU, Node v22, load average 0.50.');
    expect(next).not.toContain('A hand-written note on the full run.');
    expect(next).not.toContain('A note on the rows above.');
    expect(next).not.toContain('partial-runs');
    expect(next.slice(next.indexOf('## Code-flow sign-in'))).toBe(previous.slice(previous.indexOf('## Code-flow sign-in')));
  });

  it('a partial run with no results file yet writes the header, its rows and the record of the run', () => {
    const next = resultsMarkdown(undefined, [row('SQLite', 'signin', '20.0')], partial(['signin']));
    expect(next.startsWith('# Benchmark results\n')).toBe(true);
    expect(mainRows(next)).toEqual([formatRow(row('SQLite', 'signin', '20.0'))]);
    expect(next).toContain(': `signin`\n<!-- partial-runs:end -->');
  });

  it('merging one row into the checked-in results changes that row and adds the record, nothing else', () => {
    const checkedIn = readFileSync(new URL('../bench/RESULTS.md', import.meta.url), 'utf8');
    const first = mainRows(checkedIn)[0];
    const cells = first.slice(2, -2).split(' | ');
    const replaced = [...cells.slice(0, 2), '1.0', ...cells.slice(3)];
    const next = resultsMarkdown(checkedIn, [replaced], partial(['get-user']));
    // The file may hold a record of earlier partial runs already; this run's line joins it.
    const withoutBlock = (text: string) => text.replace(/<!-- partial-runs:start -->[\s\S]*<!-- partial-runs:end -->\n\n/, '');
    expect(withoutBlock(next)).toBe(withoutBlock(checkedIn).replace(first, formatRow(replaced)));
    expect(next).toContain('load average 3.10: `get-user`\n<!-- partial-runs:end -->');
  });
});

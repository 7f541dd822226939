/** One CSV field (RFC 4180): quoted when needed; a leading = + - @ is defused so a spreadsheet never runs it. */
export function csvCell(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (values: unknown[]) => values.map(csvCell).join(',');

import stringWidth from 'string-width';
import { oneLine, visible } from '../core/terminalText.js';

/** stdout carries data, stderr carries messages (so `--json | jq` always works). */
export interface Io {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  json: boolean;
  color: boolean;
}

/**
 * Human output echoes names and messages users chose: every control character is escaped here, once,
 * so no formatter can forget (JSON escapes them itself). Table and key/value cells are one line each.
 */
export function printData<T>(io: Io, value: T, human: (value: T) => string): void {
  if (io.json) io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  else {
    const text = visible(human(value));
    io.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
  }
}

/** A note for the person (or, under --json, one `{"message"}` line, so stderr stays JSON lines like the errors). */
export function message(io: Io, text: string): void {
  io.stderr.write(io.json ? `${JSON.stringify({ message: text })}\n` : `${visible(text)}\n`);
}

/** A failure verdict that is not an exception (exit code set by the caller): `CODE: text`, or `{"code","message"}`. */
export function failureMessage(io: Io, code: string, text: string): void {
  io.stderr.write(io.json ? `${JSON.stringify({ code, message: text })}\n` : `${code}: ${visible(text)}\n`);
}

/** Columns a terminal gives `text`: East Asian wide characters (山田, 登録済) take two, combining marks none. */
export function displayWidth(text: string): number {
  return stringWidth(text);
}

/** `text` padded with spaces to `width` terminal columns (String.padEnd counts UTF-16 units, which misaligns 日本語). */
export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - displayWidth(text)));
}

/** Plain aligned table (aligned by display width, so Japanese text lines up); no colour so it pipes cleanly. */
export function table(rows: Record<string, unknown>[], columns: string[]): string {
  if (rows.length === 0) return '(none)';
  const cells = rows.map((row) => columns.map((c) => cell(row[c])));
  const widths = columns.map((c, i) => Math.max(displayWidth(c), ...cells.map((r) => displayWidth(r[i]!))));
  const line = (values: string[]) => values.map((v, i) => padEnd(v, widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.toUpperCase())), ...cells.map(line)].join('\n');
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return oneLine(value.join(','));
  if (typeof value === 'object') return JSON.stringify(value);
  return oneLine(String(value));
}

export function keyValues(record: Record<string, unknown>): string {
  const width = Math.max(...Object.keys(record).map(displayWidth));
  return Object.entries(record)
    .filter(([, v]) => typeof v !== 'object' || v === null || (Array.isArray(v) && v.every((x) => typeof x !== 'object')))
    .map(([k, v]) => `${padEnd(k, width)}  ${cell(v)}`)
    .join('\n');
}

import type { Section } from './section.js';

function cell(value: string | number): string {
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toFixed(2);
  return value;
}

/** A plain monospace table: text columns left-aligned, numbers right-aligned. */
export function formatSection(section: Section): string {
  const rows = section.rows.map((row) => row.map(cell));
  const widths = section.columns.map((title, i) => Math.max(title.length, ...rows.map((r) => (r[i] ?? '').length)));
  const numeric = section.columns.map((_, i) => section.rows.every((r) => typeof r[i] === 'number'));
  const line = (values: string[]) => values.map((v, i) => (numeric[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join('  ').trimEnd();
  const out = [`## ${section.title}`, '', line(section.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
  if (section.notes?.length) out.push('', ...section.notes);
  return out.join('\n');
}

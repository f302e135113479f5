import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { ZodObject, type z } from 'zod';
import { HarnessError } from '../errors.js';
import { visible } from '../terminalText.js';
import { scenarioSchema, stepSchema, type Scenario } from './schema.js';

/**
 * One problem in a scenario file. `path` counts steps (and every other list) from 1, as the
 * file's reader does: `step 3 › expect.audit[1].count`. `line`/`column` (1-based) point into the
 * YAML source when the problem has a place there; `excerpt` is that source line with a caret under it.
 */
export interface ScenarioIssue {
  path: string;
  message: string;
  line?: number;
  column?: number;
  excerpt?: string;
}

type Segment = string | number;

/** `['steps', 2, 'expect', 'audit', 0]` → `step 3 › expect.audit[1]`. */
export function formatIssuePath(path: readonly Segment[]): string {
  if (path.length === 0) return '(root)';
  const [first, second, ...rest] = path;
  const tail = (segments: readonly Segment[]) =>
    segments.map((s, i) => (typeof s === 'number' ? `[${s + 1}]` : i === 0 ? s : `.${s}`)).join('');
  if (first === 'steps' && typeof second === 'number') return rest.length ? `step ${second + 1} › ${tail(rest)}` : `step ${second + 1}`;
  return tail(path);
}

/** Where an issue lives, as `file:line:column: path: message` (plus the excerpt lines, when known). */
export function formatIssue(source: string, issue: ScenarioIssue): string {
  const where = issue.line ? `${source}:${issue.line}:${issue.column ?? 1}` : source;
  const head = `${where}: ${issue.path === '(yaml)' ? '' : `${issue.path}: `}${issue.message}`;
  return issue.excerpt ? `${head}\n${issue.excerpt}` : head;
}

/** Problems listed per file; the rest are counted. */
export const MAX_ISSUES = 100;

/** Characters of the offending line an excerpt shows, around the column (a one-line 1 MB file makes a 1 MB line). */
export const EXCERPT_WIDTH = 120;

/**
 * The offending source line with a caret under the column: at most EXCERPT_WIDTH characters around
 * it, `…` where cut; control characters escaped (`\x1b`) and the caret placed after the escaped
 * text; tabs kept so the caret lines up.
 */
function excerpt(text: string, line: number, column: number): string {
  const source = lineAt(text, line);
  const at = Math.min(Math.max(column - 1, 0), source.length);
  let start = Math.max(0, at - EXCERPT_WIDTH / 2);
  const end = Math.min(source.length, start + EXCERPT_WIDTH);
  start = Math.max(0, end - EXCERPT_WIDTH);
  const before = `${start > 0 ? '…' : ''}${visible(source.slice(start, at))}`;
  const shown = `${before}${visible(source.slice(at, end))}${end < source.length ? '…' : ''}`;
  const gutter = String(line);
  return `  ${gutter} | ${shown}\n  ${' '.repeat(gutter.length)} | ${before.replace(/[^\t]/g, ' ')}^`;
}

/** Line `line` (1-based) of `text`, found without splitting the whole file. */
function lineAt(text: string, line: number): string {
  let from = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf('\n', from);
    if (next < 0) return '';
    from = next + 1;
  }
  const to = text.indexOf('\n', from);
  return text.slice(from, to < 0 ? text.length : to).replace(/\r$/, '');
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The closest candidate when it is plausibly a typo (distance ≤ a third of the word, at least 1), else undefined. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // Candidates are short names: a far longer word is no typo of one (and distance() is quadratic).
  if (word.length > 64) return undefined;
  let best: { candidate: string; d: number } | undefined;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (!best || d < best.d) best = { candidate, d };
  }
  return best && best.d <= Math.max(1, Math.floor(Math.max(word.length, best.candidate.length) / 3)) ? best.candidate : undefined;
}

/** A word from the file, quoted for a message: at most 60 characters (a 1 MB key makes no 1 MB message). */
const quoted = (word: string) => `"${word.length > 60 ? `${word.slice(0, 60)}…` : word}"`;

const suggest = (word: string, candidates: readonly string[]) => {
  const match = closest(word, candidates);
  return match ? ` — did you mean "${match}"?` : '';
};

/** Step actions (the `do:` values), read from the schema so a new step needs no change here. */
export function stepActions(): string[] {
  return stepSchema.options.map((option) => String(option.shape.do.value));
}

/** Optional, default and nullable wrappers peeled off, to reach the schema that says what a value may hold. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current = schema;
  for (let def = current._zod.def as { type: string; innerType?: z.ZodType }; ['optional', 'default', 'nullable', 'prefault'].includes(def.type) && def.innerType; def = current._zod.def as typeof def) {
    current = def.innerType;
  }
  return current;
}

/**
 * The keys the schema allows at `path`, for "did you mean": walked from the scenario schema through
 * objects, lists and the step union (its option picked by the step's `do`), so a typo anywhere
 * (`expect.audit[1].acton`) gets a suggestion, not only at the top of a step.
 */
function keysOf(path: readonly Segment[], data: unknown): string[] {
  let schema: z.ZodType = scenarioSchema;
  let value: unknown = data;
  for (const segment of [...path, undefined]) {
    schema = unwrap(schema);
    const def = schema._zod.def as { type: string; discriminator?: string; element?: z.ZodType };
    if (def.type === 'union' && def.discriminator === 'do') {
      const action = (value as { do?: unknown } | null | undefined)?.do;
      const option = stepSchema.options.find((o) => o.shape.do.value === action);
      if (!option) return [];
      schema = option;
    }
    if (segment === undefined) break;
    if (typeof segment === 'number' && def.type === 'array' && def.element) schema = def.element;
    else if (typeof segment === 'string' && schema instanceof ZodObject && segment in schema.shape) schema = schema.shape[segment] as z.ZodType;
    else return [];
    value = (value as Record<Segment, unknown> | null | undefined)?.[segment];
  }
  return schema instanceof ZodObject ? Object.keys(schema.shape) : [];
}

/** The YAML node for a path: the key node of an unknown key, the value node otherwise, the nearest existing parent for a missing one. */
function locate(doc: Document, path: readonly Segment[], key?: string): { start: number } | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (!isNode(node) || !node.range) continue;
    if (key !== undefined && depth === path.length && isMap(node)) {
      // Keys are matched as toJS wrote them: `1:` and `? [a, b]` became the strings "1" and "[ a, b ]".
      const pair = node.items.find((p) => isNode(p.key) && String(isScalar(p.key) ? p.key.value : p.key) === key);
      if (pair && isNode(pair.key) && pair.key.range) return { start: pair.key.range[0] };
    }
    return { start: node.range[0] };
  }
  return undefined;
}

function describe(issue: z.core.$ZodIssue, data: unknown, doc: Document): { message: string; key?: string } {
  const value = doc.getIn(issue.path as Segment[]);
  if (issue.code === 'invalid_union' && (issue as { discriminator?: string }).discriminator === 'do') {
    if (value === undefined) {
      // `- createPhone: { phone: p }` (an action as the key) is the likeliest slip: say how to write it.
      const step = doc.getIn(issue.path.slice(0, -1) as Segment[]);
      const named = isMap(step) ? step.items.map((p) => (isScalar(p.key) ? String(p.key.value) : undefined)).find((k) => k !== undefined && stepActions().includes(k)) : undefined;
      if (named) return { message: `missing "do": write "do: ${named}" with its fields beside it in the step, not under "${named}:"` };
      return { message: `missing "do" (the step's action: ${stepActions().join(', ')})` };
    }
    return { message: `unknown step ${quoted(String(value))}${suggest(String(value), stepActions()) || ` (steps: ${stepActions().join(', ')})`}` };
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = (issue as { keys: string[] }).keys;
    const known = keysOf(issue.path as Segment[], data);
    return { message: keys.map((k) => `unknown key ${quoted(k)}${suggest(k, known)}`).join('; '), key: keys[0] };
  }
  if (issue.path.length === 0 && issue.code === 'invalid_type') {
    return { message: value === undefined || value === null ? 'the file is empty (a scenario is a mapping with name and steps)' : 'a scenario is a mapping with name and steps' };
  }
  if (issue.code === 'invalid_type' && value === undefined) {
    const last = issue.path[issue.path.length - 1];
    return { message: typeof last === 'string' ? `missing "${last}" (${issue.expected})` : `missing value (${issue.expected})` };
  }
  return { message: issue.message };
}

/** yaml warnings that mean a value is not what the file says it is. */
const TAG_WARNINGS = new Set(['TAG_RESOLVE_FAILED', 'BAD_COLLECTION_TYPE']);

/**
 * YAML text → validated Scenario. Failures are SCENARIO_INVALID with `details.issues`
 * (path, message, line, column, excerpt each) so `scenario validate` can list every problem at once.
 */
export function parseScenario(text: string, source: string): Scenario {
  const lineCounter = new LineCounter();
  // logLevel 'error': the yaml package would print its warnings on the process's stderr (core never
  // writes there, and `--json` promises JSON lines on it); the ones that matter are problems below.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, logLevel: 'error' });
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col, excerpt: excerpt(text, line, col) };
  };
  const invalid = <T>(found: readonly T[], toIssue: (item: T) => ScenarioIssue) => {
    // A broken 1 MB file can have a problem every few bytes: the first ones are listed, the rest counted.
    const issues = found.slice(0, MAX_ISSUES).map(toIssue);
    if (found.length > MAX_ISSUES) issues.push({ path: '(root)', message: `${found.length - MAX_ISSUES} more problems not listed` });
    return new HarnessError('SCENARIO_INVALID', formatIssue(source, issues[0]!), { details: { issues } });
  };
  // An unknown tag (`!!js/function`, `!custom`) is only a warning to the yaml package, which then reads
  // the plain value: the file asked for something this language does not have, so it is refused.
  const problems = [...doc.errors, ...doc.warnings.filter((w) => TAG_WARNINGS.has(w.code))];
  if (problems.length > 0) {
    throw invalid(problems, (e) => ({ path: '(yaml)', message: `YAML: ${e.message}`, ...at(e.pos[0]) }));
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw invalid([error], (e) => ({ path: '(yaml)', message: `YAML: ${e instanceof Error ? e.message : String(e)}` }));
  }
  const parsed = scenarioSchema.safeParse(data);
  if (!parsed.success) {
    throw invalid(parsed.error.issues, (issue) => {
      const { message, key } = describe(issue, data, doc);
      const node = locate(doc, issue.path as Segment[], key);
      return { path: formatIssuePath(issue.path as Segment[]), message, ...(node ? at(node.start) : {}) };
    });
  }
  return parsed.data;
}

import type { Command } from 'commander';

/**
 * Credential IDs are base64url, so one in 64 begins with '-' and commander would read
 * `pkh admin inspect -Qx3…` as an unknown option. An argument that looks like an encoded ID
 * (16+ base64url characters with an upper-case letter, digit or '_', which no option name has)
 * and is not an option or an option's value is marked as an operand before parsing; `act`
 * strips the mark before a handler sees it.
 */
const MARK = '\u2063';
const LOOKS_LIKE_ID = /^-[A-Za-z0-9_-]{15,}$/;

function optionFlags(program: Command): { all: Set<string>; takingValue: Set<string> } {
  const all = new Set<string>();
  const takingValue = new Set<string>();
  const visit = (command: Command): void => {
    for (const option of command.options) {
      for (const flag of [option.long, option.short]) {
        if (!flag) continue;
        all.add(flag);
        if (option.required || option.optional) takingValue.add(flag);
      }
    }
    command.commands.forEach(visit);
  };
  visit(program);
  return { all, takingValue };
}

export function markDashOperands(argv: string[], program: Command): string[] {
  const { all, takingValue } = optionFlags(program);
  const marked = [...argv];
  for (let i = 0; i < marked.length; i++) {
    const token = marked[i]!;
    if (token === '--') break;
    if (!LOOKS_LIKE_ID.test(token) || !/[A-Z0-9_]/.test(token) || all.has(token)) continue;
    if (i > 0 && takingValue.has(marked[i - 1]!)) continue;
    marked[i] = MARK + token;
  }
  return marked;
}

export function unmarkOperand(value: unknown): unknown {
  if (typeof value === 'string') return value.startsWith(MARK) ? value.slice(MARK.length) : value;
  if (Array.isArray(value)) return value.map(unmarkOperand);
  return value;
}

import { HarnessError } from '../errors.js';
import { hasControlCharacter } from '../terminalText.js';

/**
 * A new phone name (create, rename, import): not blank, and no control characters — names are
 * echoed in tables, reports and window titles, where ESC or a newline would drive the terminal or
 * forge a line (INVALID_INPUT). Only new names are checked, so a phone named so before still opens.
 */
export function checkPhoneName(name: string): void {
  if (!name.trim()) throw new HarnessError('INVALID_INPUT', 'a phone needs a name');
  if (hasControlCharacter(name)) throw new HarnessError('INVALID_INPUT', `phone name ${JSON.stringify(name)} contains a control character`);
}

import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The compiled module `dist/<path>` (tsc's output: what `pkh`, `pkh serve` and the scenario runner
 * run; `npm run bench` builds it first), typed as its source. The bench measures it rather than the
 * sources through tsx, whose transform wraps every inner function in a `__name(…)` call that costs
 * each closure an `Object.defineProperty` when it is created: ≈ 8 % of an in-process enrol + login
 * that ships without it.
 */
export async function built<T>(path: string): Promise<T> {
  return (await import(pathToFileURL(join(root, 'dist', path.replace(/\.ts$/, '.js'))).href)) as T;
}

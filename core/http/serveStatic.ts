import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** `out/renderer` of the nearest ancestor holding one (works from sources under tsx and from dist/). */
export function defaultStaticDir(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'out', 'renderer');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

export interface StaticFile {
  body: Uint8Array;
  contentType: string;
  /** Hashed assets never change; pages must always be revalidated. */
  cacheControl: string;
}

/**
 * Maps a URL path to a file under `root`: `/` is the customer pages, `/console/` the console.
 * Rejects `..`, encoded separators, NUL and anything resolving outside `root`, symlinks included:
 * the file's real path must lie under the root's real path.
 */
export async function readStaticFile(root: string, urlPath: string): Promise<StaticFile | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return undefined;
  let relative = segments.join('/');
  if (relative === '' || relative === 'index.html') relative = 'customer/index.html';
  else if (decoded.endsWith('/')) relative = `${relative}/index.html`;
  const base = resolve(root);
  const file = resolve(base, relative);
  if (!file.startsWith(base + sep)) return undefined;
  // A link inside the root (a stray build artefact, a checkout's symlink) must not serve a file outside it.
  let real: string;
  try {
    const realBase = await realpath(base);
    real = await realpath(file);
    if (!real.startsWith(realBase + sep) || !(await stat(real)).isFile()) return undefined;
  } catch {
    return undefined;
  }
  const ext = extname(file).toLowerCase();
  return {
    body: new Uint8Array(await readFile(real)),
    contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream',
    cacheControl: relative.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
  };
}

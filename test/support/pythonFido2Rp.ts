import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** Debian's python (not a pyenv python on PATH): python3-fido2 is installed for it. */
export const DEBIAN_PYTHON = process.env.PASSKEY_HARNESS_PYTHON ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./python/fido2_server.py', import.meta.url));

/**
 * A second INDEPENDENT relying party on another stack: Yubico's python-fido2 `Fido2Server`
 * (Debian python3-fido2 0.9.1) behind a tiny http.server page on loopback. Same page
 * contract as the fido2-lib RP: `pkhRegister(username, { alg?, attestation? })` and
 * `pkhLogin(username?)` resolve with the server's verdict or reject with its error.
 */
export interface PythonFido2Rp {
  url: string;
  origin: string;
  close(): Promise<void>;
}

export async function startPythonFido2Rp(): Promise<PythonFido2Rp> {
  if (!existsSync(DEBIAN_PYTHON)) throw new Error(`${DEBIAN_PYTHON} not found: apt-get install -y python3-fido2 (node test/support/ensureBrowser.mjs does)`);
  const child: ChildProcess = spawn(DEBIAN_PYTHON, ['-u', SCRIPT], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      try {
        resolve((JSON.parse(line) as { port: number }).port);
      } catch {
        reject(new Error(`python-fido2 RP said: ${line}`));
      }
    });
    child.once('exit', (code) => reject(new Error(`python-fido2 RP exited (${code}): ${stderr.trim() || 'no output'} — is python3-fido2 installed for ${DEBIAN_PYTHON}?`)));
  });
  const origin = `http://localhost:${port}`;
  return {
    url: `${origin}/`,
    origin,
    async close() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

#!/usr/bin/env node
// Browser tests drive Debian's chromium (no browser downloads are possible here), and the
// interop tests run Yubico's python-fido2 (Debian python3-fido2) under Debian's /usr/bin/python3.
// Installs what is missing with apt-get when we are root; otherwise says what to do.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CHROMIUM = process.env.PASSKEY_HARNESS_CHROMIUM ?? '/usr/bin/chromium';
// Screenshots of the Japanese screens need a CJK font, or every glyph renders as a box.
const JAPANESE_FONT = '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf';
const PYTHON = '/usr/bin/python3';
const hasPythonFido2 = () => {
  try {
    execFileSync(PYTHON, ['-c', 'import fido2.server'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
if (existsSync(CHROMIUM) && existsSync(JAPANESE_FONT) && hasPythonFido2()) process.exit(0);
if (process.getuid?.() !== 0) {
  console.error(`chromium (${CHROMIUM}) or python3-fido2 (for ${PYTHON}) missing: sudo apt-get install -y chromium fonts-ipafont-gothic python3-fido2, or set PASSKEY_HARNESS_CHROMIUM`);
  process.exit(1);
}
console.error('installing Debian chromium, a Japanese font and python3-fido2 for the browser and interop tests…');
const run = (args) => execFileSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
run(['update', '-qq']);
run(['install', '-y', '-qq', 'chromium', 'fonts-ipafont-gothic', 'xvfb', 'xauth', 'python3-fido2']);

#!/usr/bin/env node
// Browser tests drive Debian's chromium (no browser downloads are possible here).
// Installs it with apt-get when missing and we are root; otherwise says what to do.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CHROMIUM = process.env.PASSKEY_HARNESS_CHROMIUM ?? '/usr/bin/chromium';
if (existsSync(CHROMIUM)) process.exit(0);
if (process.getuid?.() !== 0) {
  console.error(`chromium not found at ${CHROMIUM}: install it (sudo apt-get install -y chromium) or set PASSKEY_HARNESS_CHROMIUM`);
  process.exit(1);
}
console.error('installing Debian chromium for the browser tests…');
const run = (args) => execFileSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
run(['update', '-qq']);
run(['install', '-y', '-qq', 'chromium', 'xvfb', 'xauth']);

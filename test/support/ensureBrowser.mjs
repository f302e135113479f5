#!/usr/bin/env node
// Browser tests drive Debian's chromium (no browser downloads are possible here).
// Installs it with apt-get when missing and we are root; otherwise says what to do.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const CHROMIUM = process.env.PASSKEY_HARNESS_CHROMIUM ?? '/usr/bin/chromium';
// Screenshots of the Japanese screens need a CJK font, or every glyph renders as a box.
const JAPANESE_FONT = '/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf';
if (existsSync(CHROMIUM) && existsSync(JAPANESE_FONT)) process.exit(0);
if (process.getuid?.() !== 0) {
  console.error(`chromium not found at ${CHROMIUM}: install it (sudo apt-get install -y chromium) or set PASSKEY_HARNESS_CHROMIUM`);
  process.exit(1);
}
console.error('installing Debian chromium and a Japanese font for the browser tests…');
const run = (args) => execFileSync('apt-get', args, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
run(['update', '-qq']);
run(['install', '-y', '-qq', 'chromium', 'fonts-ipafont-gothic', 'xvfb', 'xauth']);

/**
 * Whether a URL path names the console's pages in any spelling the static lookup resolves to
 * them: percent-encoded (the router decodes once and `readStaticFile` again, so a check decodes
 * until nothing changes), repeated or back slashes, any letter case (macOS and Windows file
 * systems ignore it). Used by the phone-frame server (no console there) and by the desktop app's
 * phone windows (never the console): one rule, so neither can drift from what is served.
 */
export function isConsolePath(path: string): boolean {
  let decoded = path;
  // Bounded: each round removes at least one escape, and three covers every decoder on the way.
  for (let round = 0; round < 3; round++) {
    let next: string;
    try {
      next = decodeURIComponent(decoded);
    } catch {
      // Malformed escapes never reach a file (readStaticFile refuses them).
      break;
    }
    if (next === decoded) break;
    decoded = next;
  }
  return /^[/\\]+console([/\\]|$)/i.test(decoded);
}

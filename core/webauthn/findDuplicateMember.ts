/**
 * The first member name that occurs twice in one JSON object, anywhere in `text`, else undefined.
 * JSON.parse silently keeps the last duplicate while other parsers keep the first: a document
 * with duplicates means different things to different readers (RFC 8259 §4: names SHOULD be
 * unique). Names compare after unescaping, so `"type"` and `"\u0074ype"` are the same member.
 * `text` must already be valid JSON (parse it first).
 */
export function findDuplicateMember(text: string): string | undefined {
  return scanJsonMembers(text).duplicate;
}

/**
 * One pass over valid JSON `text`, without recursion: the first duplicate member name (the scan stops
 * there) and the deepest array/object nesting seen up to that point.
 */
export function scanJsonMembers(text: string): { duplicate?: string; depth: number } {
  const stack: { keys: Set<string> | null; expectKey: boolean }[] = [];
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') depth = Math.max(depth, stack.push({ keys: new Set(), expectKey: true }));
    else if (c === '[') depth = Math.max(depth, stack.push({ keys: null, expectKey: false }));
    else if (c === '}' || c === ']') stack.pop();
    else if (c === ',') {
      const top = stack.at(-1);
      if (top?.keys) top.expectKey = true;
    } else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const top = stack.at(-1);
      if (top?.keys && top.expectKey) {
        const name = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(name)) return { duplicate: name, depth };
        top.keys.add(name);
        top.expectKey = false;
      }
      i = end;
    }
  }
  return { depth };
}

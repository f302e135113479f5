/**
 * The first member name that occurs twice in one JSON object, anywhere in `text`, else undefined.
 * JSON.parse silently keeps the last duplicate while other parsers keep the first: a document
 * with duplicates means different things to different readers (RFC 8259 §4: names SHOULD be
 * unique). Names compare after unescaping, so `"type"` and `"\u0074ype"` are the same member.
 * `text` must already be valid JSON (parse it first).
 */
export function findDuplicateMember(text: string): string | undefined {
  const stack: { keys: Set<string> | null; expectKey: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '{') stack.push({ keys: new Set(), expectKey: true });
    else if (c === '[') stack.push({ keys: null, expectKey: false });
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
        if (top.keys.has(name)) return name;
        top.keys.add(name);
        top.expectKey = false;
      }
      i = end;
    }
  }
  return undefined;
}

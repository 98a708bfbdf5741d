// Limits a program document must keep before any parser works on it: a parser's cost grows with
// nesting and aliases faster than with size (a 100,000-deep JSON array once took the engine process
// down in the YAML reader's regular expressions; a "billion laughs" alias bomb answered INTERNAL).
// Checked on the raw text in one linear pass, so an oversized or over-deep document costs no more
// than reading it once. Real programs are a few KiB, nested a handful of levels.

export const DOCUMENT_LIMITS = {
  /** Bytes of UTF-8 text. */
  maxBytes: 256 * 1024,
  /** Nested collections: flow brackets plus block indentation levels. */
  maxDepth: 32,
  /** YAML aliases (`*name`) in the whole document. */
  maxAliases: 100,
} as const;

/** The first limit the text breaks, as a message for the `document` field, or undefined. */
export function documentLimitBroken(text: string): string | undefined {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > DOCUMENT_LIMITS.maxBytes) return `is ${bytes} bytes; at most ${DOCUMENT_LIMITS.maxBytes} are accepted`;
  const { depth, aliases } = scan(text);
  if (depth > DOCUMENT_LIMITS.maxDepth) return `nests deeper than ${DOCUMENT_LIMITS.maxDepth} levels`;
  if (aliases > DOCUMENT_LIMITS.maxAliases) return `has more than ${DOCUMENT_LIMITS.maxAliases} aliases`;
  return undefined;
}

/**
 * Deepest nesting and alias count, outside quoted strings and comments. Depth counts `[`/`{` levels
 * plus the indentation levels open at that point (a block mapping or sequence under a key is one level
 * deeper; `- ` items count as a level too). Over-counting is safe: it only refuses sooner.
 */
function scan(text: string): { depth: number; aliases: number } {
  let flow = 0;
  let deepest = 0;
  let aliases = 0;
  const indents: number[] = [];
  let atLineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (atLineStart && flow === 0) {
      let column = 0;
      while (text[i + column] === ' ' || text[i + column] === '-') column++;
      if (text[i + column] !== '\n' && text[i + column] !== '#' && i + column < text.length) {
        while (indents.length > 0 && indents[indents.length - 1] >= column) indents.pop();
        indents.push(column);
        deepest = Math.max(deepest, indents.length + countDashes(text, i, column));
      }
    }
    atLineStart = c === '\n';
    if (c === '"' || c === "'") {
      i = closingQuote(text, i);
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1]))) {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
    } else if (c === '[' || c === '{') {
      flow++;
      deepest = Math.max(deepest, indents.length + flow);
    } else if (c === ']' || c === '}') {
      flow = Math.max(0, flow - 1);
    } else if (c === '*' && (i === 0 || /[\s,[{:]/.test(text[i - 1])) && /[^\s,\]}]/.test(text[i + 1] ?? ' ')) {
      aliases++;
    }
  }
  return { depth: deepest, aliases };
}

/** `- - - x` opens one sequence per dash on a single line. */
function countDashes(text: string, from: number, length: number): number {
  let dashes = 0;
  for (let j = from; j < from + length; j++) if (text[j] === '-' && text[j + 1] === ' ') dashes++;
  return dashes;
}

/** Index of the quote closing the string that opens at `start` (the end of the text if unclosed). */
function closingQuote(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (quote === '"' && text[i] === '\\') i++;
    else if (text[i] === quote) {
      if (quote === "'" && text[i + 1] === "'") i++;
      else return i;
    }
  }
  return text.length;
}

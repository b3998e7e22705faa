// Scans of JSON text that stay linear in its length, whatever it holds: a request body is checked
// for depth before JSON.parse, and the default brain looks for a JSON object in a message.

/** The deepest nesting of objects and arrays a request body may have (the body itself is 1). */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * `true` when objects and arrays in `text` nest deeper than `limit`. One pass; brackets inside
 * strings do not count. For text that is not JSON the answer is about its brackets only.
 */
export function nestsDeeperThan(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) inString = true;
    else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > limit) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) depth--;
  }
  return false;
}

/** How many `{…}` pairs {@link firstJsonObject} hands to JSON.parse before it gives up. */
const MAX_ATTEMPTS = 256;

/**
 * The first balanced `{…}` in `text` that parses as a JSON object (at most {@link MAX_JSON_DEPTH}
 * deep), among the first 256 that look like one; re-serialised compactly; `undefined` when none.
 *
 * One pass pairs every `{` with its `}` (quotes count only inside braces, where they start JSON
 * strings). Then the pairs are tried in the order of their `{`; a pair holding braces nested deeper
 * than the limit is skipped unparsed, so each character is parsed as part of at most that many
 * pairs: linear, where trying every `{` against the rest of the text was quadratic. The cap on
 * attempts bounds the cost of failed parses (each throws) in a message of many small pairs.
 */
export function firstJsonObject(text: string): string | undefined {
  let braces = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === OPEN_BRACE) braces++;
  if (braces === 0) return undefined;
  // For the k-th `{` outside strings: where it is, and where it closes (-1: unclosed or too deep).
  const starts = new Int32Array(braces);
  const ends = new Int32Array(braces).fill(-1);
  // The braces still open (their k), and how deep the braces closed inside each went.
  const open = new Int32Array(braces);
  const inner = new Int32Array(braces);
  let count = 0;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === OPEN_BRACE) {
      starts[count] = i;
      open[depth] = count++;
      inner[depth++] = 1;
    } else if (depth === 0) {
      // Prose between objects: its quotes are not JSON strings.
    } else if (c === QUOTE) inString = true;
    else if (c === CLOSE_BRACE) {
      const within = inner[--depth] ?? 0;
      if (within <= MAX_JSON_DEPTH) ends[open[depth] ?? 0] = i;
      if (depth > 0) inner[depth - 1] = Math.max(inner[depth - 1] ?? 0, within + 1);
    }
  }
  let attempts = 0;
  for (let k = 0; k < count && attempts < MAX_ATTEMPTS; k++) {
    const end = ends[k] ?? -1;
    if (end < 0) continue;
    const candidate = text.slice(starts[k], end + 1);
    // Arrays nest too; the braces alone did not count them.
    if (!opensObject(candidate) || nestsDeeperThan(candidate, MAX_JSON_DEPTH)) continue;
    attempts++;
    try {
      const value: unknown = JSON.parse(candidate);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return JSON.stringify(value);
    } catch {
      // not JSON: try the next brace
    }
  }
  return undefined;
}

/** `true` when the text after the `{` starts as an object does: `"` or `}` after any spaces. */
function opensObject(candidate: string): boolean {
  for (let i = 1; i < candidate.length; i++) {
    const c = candidate.charCodeAt(i);
    if (c === QUOTE || c === CLOSE_BRACE) return true;
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return false;
}

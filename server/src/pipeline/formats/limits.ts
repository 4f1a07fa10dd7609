/**
 * Limits every reader applies while it reads (never after assembling an item), so that no file, however formed,
 * can exhaust the stack or the memory of the server:
 * - `maxDepth`: how deep arrays and objects may nest inside one item (JSON, JSONL, JSONT, and JSON cells of a CSV).
 *   Code downstream (validation, the error report, JSON.stringify) recurses over items; 1,000 levels is far below
 *   what the stack takes (V8 gives ~10,000 frames) and far above any real content.
 * - `maxItemLength`: the text of one item (a JSON/JSONT element, a JSONL line, a CSV record), in characters.
 * - `maxColumns`: CSV columns. A content type has at most a few hundred attributes (a component field is one
 *   column each); 10,000 leaves room for wide spreadsheets with ignored columns while a header row of a million
 *   delimiters (an accidental binary file) stops at once instead of building a million-key object per row.
 */
export interface ReadLimits {
  maxDepth: number;
  maxItemLength: number;
  maxColumns: number;
}

export const DEFAULT_READ_LIMITS: ReadLimits = {
  maxDepth: 1000,
  maxItemLength: 32 * 1024 * 1024,
  maxColumns: 10_000,
};

/** The limits to apply: the defaults, with what `partial` sets. */
export const readLimits = (partial?: Partial<ReadLimits>): ReadLimits => ({ ...DEFAULT_READ_LIMITS, ...partial });

/** `32 MB`, `512 KB`, `100 characters`: a length limit for messages. */
export const describeLength = (length: number): string => {
  if (length >= 1024 * 1024 && length % (1024 * 1024) === 0) return `${length / 1024 / 1024} MB`;
  if (length >= 1024 && length % 1024 === 0) return `${length / 1024} KB`;
  return `${length.toLocaleString('en-US')} characters`;
};

export const depthMessage = (maxDepth: number): string =>
  `arrays and objects are nested deeper than ${maxDepth.toLocaleString('en-US')} levels (limits.maxDepth)`;

/** `the limit of 32 MB (limits.maxItemLength)`. */
export const lengthLimit = (maxItemLength: number): string =>
  `the limit of ${describeLength(maxItemLength)} (limits.maxItemLength)`;

/** `more than 10,000 columns (limits.maxColumns)`. */
export const columnsMessage = (maxColumns: number): string =>
  `more than ${maxColumns.toLocaleString('en-US')} columns (limits.maxColumns)`;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;

/** What `scanNesting` found in a JSON text. */
export interface NestingScan {
  /** With `untilClosed`: the offset just past the bracket that brought the depth back to 0; else (or unclosed) -1. */
  end: number;
  /** The offset of the first bracket that opens a level deeper than `maxDepth` (before `end`), or -1. */
  tooDeep: number;
}

/**
 * The one scan of a JSON text's nesting (the readers' depth limit and the JSON reader's element boundaries): follows
 * strings, escapes and brackets only, a linear loop with no recursion, so that it runs before `JSON.parse` and a deep
 * value is never built. What it finds is then parsed, which checks everything else.
 * `from`, `depth`, `inString`: where the scan starts and the nesting there (the middle of a value read in pieces);
 * `untilClosed`: stop where the depth returns to 0 (the end of the value `text[from]` is in).
 */
export const scanNesting = (
  text: string,
  { from = 0, depth = 0, inString = false, maxDepth = Number.POSITIVE_INFINITY, untilClosed = false }: {
    from?: number;
    depth?: number;
    inString?: boolean;
    maxDepth?: number;
    untilClosed?: boolean;
  }
): NestingScan => {
  let open = depth;
  let quoted = inString;
  for (let i = from; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === BACKSLASH) i += 1;
      else if (c === QUOTE) quoted = false;
    } else if (c === QUOTE) quoted = true;
    else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      open += 1;
      if (open > maxDepth) return { end: -1, tooDeep: i };
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      open -= 1;
      if (untilClosed && open === 0) return { end: i + 1, tooDeep: -1 };
    }
  }
  return { end: -1, tooDeep: -1 };
};

/**
 * The offset of the first bracket in a JSON text that opens a level deeper than `maxDepth`, or -1.
 * `startDepth`, `inString`: where `text` starts (the middle of a value read in pieces).
 */
export const findDepthExcess = (text: string, maxDepth: number, startDepth = 0, inString = false): number =>
  // Each character opens one level at most: a text shorter than the levels left cannot go too deep (not scanned:
  // most lines of most files).
  text.length <= maxDepth - startDepth ? -1 : scanNesting(text, { depth: startDepth, inString, maxDepth }).tooDeep;

/** The 1-based line and column of `offset` in `text`. */
export const lineColumnAt = (text: string, offset: number): { line: number; column: number } => {
  let line = 1;
  let lastBreak = -1;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line += 1;
    lastBreak = nl;
  }
  return { line, column: offset - lastBreak };
};

import { StringDecoder } from 'node:string_decoder';
import { Transform } from 'node:stream';

/**
 * SpreadsheetML as exceljs's streaming reader expects it, from what other writers legally produce:
 * - the main namespace bound to a prefix (`<x:worksheet xmlns:x="…/spreadsheetml/2006/main">`, as .NET's Open XML
 *   SDK writes): exceljs matches unprefixed names only and reads such a workbook as empty. The prefix is dropped
 *   and the namespace declared as the default one;
 * - rows and cells without their optional reference (`<row>`, `<c>` without `r`): exceljs fails on the first one.
 *   The reference is added: a row follows the row before it, a cell the cell before it in its row.
 * Written by hand (one regular expression finds the markup) because an XML parser would re-serialize the whole part
 * (text, entities, namespaces) to change a few tags; everything but the tags of elements passes through as it is,
 * comments, CDATA and processing instructions included. Its cost: docs/formats.md (XLSX).
 */

const MAIN_NAMESPACES = ['http://schemas.openxmlformats.org/spreadsheetml/2006/main'];

/** `A` for 1, `Z` for 26, `AA` for 27... */
export const columnLetters = (column: number): string => {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26))
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
};

/** 1 for `A1`, 27 for `AA3`; 0 when the reference has no letters. */
const columnOf = (reference: string): number => {
  let column = 0;
  for (const char of reference.toUpperCase()) {
    const code = char.charCodeAt(0);
    if (code < 65 || code > 90) break;
    column = column * 26 + (code - 64);
  }
  return column;
};

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')/g;

const attributesOf = (text: string): Map<string, string> => {
  const found = new Map<string, string>();
  for (const [, name, quoted] of text.matchAll(ATTRIBUTE)) found.set(name, quoted.slice(1, -1));
  return found;
};

/** A row's or a cell's reference. */
const REFERENCE = /\sr\s*=\s*(?:"([^"]*)"|'([^']*)')/;

/**
 * Comments, CDATA sections, processing instructions, declarations, and tags (a `>` inside a quoted attribute value
 * included). A tag never starts with `!` or `?`: an unfinished comment is not read as a tag.
 */
const MARKUP =
  /<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<\?[\s\S]*?\?>|<![A-Z][^>]*>|<(?![!?])[^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*>/g;

/** How far past an unfinished `<` the scanner waits for its end before taking it as text (malformed XML). */
const LONGEST_MARKUP = 1024 * 1024;

const isNameEnd = (char: string | undefined) =>
  char === ' ' || char === '>' || char === '/' || char === '\t' || char === '\n' || char === '\r';

/** A transform of one XML part of a workbook (`sheet`: a worksheet, whose rows and cells get their references). */
export const normalizeSpreadsheetXml = ({ sheet }: { sheet: boolean }): Transform => {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  /** The prefix of the main namespace, once the root element says it ('' when it is the default namespace). */
  let prefix: string | null = null;
  let row = 0;
  let cell = 0;

  /** A row or cell start tag with its reference (as given, or the one after the row or cell before). */
  const referenced = (markup: string, local: 'row' | 'c'): string => {
    const match = REFERENCE.exec(markup);
    const reference = match ? match[1] ?? match[2] : undefined;
    if (local === 'row') {
      row = reference && /^\d+$/.test(reference) ? Number(reference) : row + 1;
      cell = 0;
      return reference ? markup : `<row r="${row}"${markup.slice(4)}`;
    }
    cell = reference ? columnOf(reference) || cell + 1 : cell + 1;
    return reference ? markup : `<c r="${columnLetters(cell)}${row}"${markup.slice(2)}`;
  };

  /** Any tag while the prefix is not known or not empty: the root tells the prefix; prefixed names lose it. */
  const tag = (markup: string): string => {
    if (!/^<\/?[^\s!?/>]/.test(markup)) return markup; // comments, CDATA, processing instructions, declarations
    const closing = markup.startsWith('</');
    const name = /^<\/?([^\s/>]+)/.exec(markup)![1];
    if (prefix === null && !closing) {
      const attributes = attributesOf(markup);
      const bound = [...attributes].find(([key, value]) => key.startsWith('xmlns:') && MAIN_NAMESPACES.includes(value));
      prefix = bound && name.startsWith(`${bound[0].slice(6)}:`) && !attributes.has('xmlns') ? bound[0].slice(6) : '';
      if (prefix) markup = markup.replace(`xmlns:${prefix}=`, 'xmlns=');
    }
    let local = name;
    if (prefix && name.startsWith(`${prefix}:`)) {
      local = name.slice(prefix.length + 1);
      markup = `${closing ? '</' : '<'}${local}${markup.slice(name.length + (closing ? 2 : 1))}`;
    }
    if (!sheet || closing || (local !== 'row' && local !== 'c')) return markup;
    return referenced(markup, local);
  };

  /** The markup as the reader expects it; in an unprefixed part, only rows' and cells' start tags are looked at. */
  const rewrite = (markup: string): string => {
    if (prefix !== '') return tag(markup);
    if (!sheet || markup[1] === '/') return markup;
    if (markup[1] === 'c' && isNameEnd(markup[2])) return referenced(markup, 'c');
    if (markup.startsWith('<row') && isNameEnd(markup[4])) return referenced(markup, 'row');
    return markup;
  };

  /** The complete part of `pending`, rewritten; what may still grow (an unfinished markup) stays in `pending`. */
  const drain = (final: boolean): string => {
    const out: string[] = [];
    let position = 0;
    let keep = pending.length;
    for (;;) {
      const open = pending.indexOf('<', position);
      if (open < 0) break;
      MARKUP.lastIndex = open;
      const match = MARKUP.exec(pending);
      if (match?.index === open) {
        out.push(pending.slice(position, open), rewrite(match[0]));
        position = MARKUP.lastIndex;
        continue;
      }
      // An unfinished comment, CDATA section or tag waits for the next chunk (never read past: what it holds is not
      // markup), unless the part ends there (cut: passed on for the reader to refuse) or it is too long to be one
      // (malformed XML: the `<` is text).
      if (!final && pending.length - open < LONGEST_MARKUP) {
        keep = open;
        break;
      }
      out.push(pending.slice(position, open + 1));
      position = open + 1;
    }
    out.push(pending.slice(position, keep));
    pending = pending.slice(keep);
    return out.join('');
  };

  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      pending += decoder.write(chunk);
      callback(null, Buffer.from(drain(false)));
    },
    flush(callback) {
      pending += decoder.end();
      callback(null, Buffer.from(drain(true)));
    },
  });
};

import { describeValue } from '../common';

/** stream-json's tokens, and what the parser makes of them (values, descriptions for messages). */

export interface Token {
  name: string;
  value?: string;
}

/**
 * What to stream out of the document:
 * - `array`: the elements of a top-level array, or of the `items` array of a top-level object (JSON, whose exports
 *   are `{ "formatVersion": 1, "items": [...] }`);
 * - `jsont`: the elements of the `items` array of a top-level object (JSONT);
 * - `header`: one {@link JsonHeader} (the top-level `formatVersion` and `configuration`), then nothing more.
 */
export type JsonReadMode = 'array' | 'jsont' | 'header';

/** What precedes the items of a JSON or JSONT file. */
export interface JsonHeader {
  /** What the top-level value is: `an array`, `an object`, `a string`... */
  root: string;
  /** The top-level `formatVersion`, as written (undefined when absent). */
  formatVersion?: unknown;
  /** The top-level `configuration` object (JSONT), or null. */
  configuration: Record<string, unknown> | null;
  /** The top-level `secrets` (encrypted private attributes: pipeline/secrets.ts), as written (undefined when absent). */
  secrets?: unknown;
}

export type Container = Record<string, unknown> | unknown[];
export type Place = 'root' | 'elements' | 'keys' | 'value' | 'end';

export const scalarOf = (token: Token): unknown => {
  switch (token.name) {
    case 'stringValue':
      return token.value;
    case 'numberValue':
      return Number(token.value);
    case 'trueValue':
      return true;
    case 'falseValue':
      return false;
    default:
      return null;
  }
};

export const describeToken = (token: Token): string => {
  switch (token.name) {
    case 'startObject':
      return 'an object';
    case 'startArray':
      return 'an array';
    default:
      return describeValue(scalarOf(token));
  }
};


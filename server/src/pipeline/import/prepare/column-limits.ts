/**
 * The limits of the columns Strapi 5 creates for each attribute type (@strapi/database schema.ts: `string`, `email`,
 * `uid`, `password` and `enumeration` are varchar(255); `integer` a 32-bit integer; `biginteger` 64 bits; `decimal`
 * decimal(10, 2); `date`, `time`, `datetime` calendar values). Checked before the database on every dialect, so that
 * a value is refused with the field and the limit named, and alike on SQLite (which stores anything), PostgreSQL
 * and MariaDB (which refuse, each with its own message).
 */

/** knex's default length for `string` columns. */
export const STRING_COLUMN_LENGTH = 255;
const INTEGER_RANGE = [-2147483648, 2147483647] as const;
const BIGINTEGER_RANGE = [-(2n ** 63n), 2n ** 63n - 1n] as const;
/** decimal(10, 2): at most 8 digits before the point once rounded to 2 decimals. */
const DECIMAL_LIMIT = 1e8;

const STRING_TYPES = new Set(['string', 'email', 'uid', 'password', 'enumeration']);
/** Attribute types stored as text columns (varchar or text). */
const TEXT_TYPES = new Set([...STRING_TYPES, 'text', 'richtext']);

/** A UTF-16 surrogate without its pair: JSON may carry one (`"\ud83d"`), no UTF-8 column can store it. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Text that not every database stores as it is, named with its place: a NUL character (PostgreSQL refuses it), an
 * unpaired surrogate (SQLite would keep replacement characters instead, PostgreSQL and MariaDB refuse it).
 */
const textProblem = (value: string): string | null => {
  const nul = value.indexOf('\u0000');
  if (nul >= 0) {
    return `the text holds a NUL character (U+0000, at character ${nul + 1}), which PostgreSQL cannot store; it is refused on every database, so that a file imports alike everywhere`;
  }
  const match = LONE_SURROGATE.exec(value);
  if (!match) return null;
  const code = match[0].charCodeAt(0).toString(16).toUpperCase();
  return `the text holds an unpaired surrogate (U+${code}, at character ${match.index + 1}): half of a character such as an emoji, which no database stores as text (was the text cut in the middle of one?)`;
};

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** A calendar date (YYYY-MM-DD at the start of the text) that exists, or the reason it does not. */
const dateProblem = (text: string): string | null => {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!match) return null; // the format is checked by the type rules
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12) return `${match[0]} has no month ${match[2]}`;
  if (day < 1 || day > daysIn(year, month)) {
    return `${match[0]} is not a date: ${year}-${match[2]} has ${daysIn(year, month)} days`;
  }
  return null;
};

/** A time of day (HH:mm[:ss] after the date, if any) within 00:00:00–23:59:59, or the reason it is not. */
const timeProblem = (text: string): string | null => {
  const match = /(?:^|T|\s)(\d{2}):(\d{2})(?::(\d{2}))?/.exec(text);
  if (!match) return null;
  const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) {
    return `${match[0].trim()} is not a time of day (00:00:00 to 23:59:59)`;
  }
  return null;
};

/** Why a value (already of the attribute's type) does not fit its column, or null. */
export const columnLimitProblem = (type: string, value: unknown): string | null => {
  const unstorable = TEXT_TYPES.has(type) && typeof value === 'string' ? textProblem(value) : null;
  if (unstorable) return unstorable;
  if (STRING_TYPES.has(type) && typeof value === 'string') {
    // Characters (code points), as PostgreSQL and MariaDB (utf8mb4) count a varchar's length: never more than the
    // UTF-16 units, so only a longer string is counted (the count copies the string).
    if (value.length <= STRING_COLUMN_LENGTH) return null;
    const length = [...value].length;
    return length > STRING_COLUMN_LENGTH
      ? `${length} characters, over the limit of ${STRING_COLUMN_LENGTH} of a ${type} attribute (a text attribute holds longer text)`
      : null;
  }
  switch (type) {
    case 'integer':
      return typeof value === 'number' && (value < INTEGER_RANGE[0] || value > INTEGER_RANGE[1])
        ? `${value} is out of range for an integer attribute (${INTEGER_RANGE[0]} to ${INTEGER_RANGE[1]}; a biginteger holds more)`
        : null;
    case 'biginteger': {
      if (typeof value !== 'string' || !/^-?\d+$/.test(value)) return null;
      const n = BigInt(value);
      return n < BIGINTEGER_RANGE[0] || n > BIGINTEGER_RANGE[1]
        ? `${value} is out of range for a biginteger attribute (64 bits: ${BIGINTEGER_RANGE[0]} to ${BIGINTEGER_RANGE[1]})`
        : null;
    }
    case 'decimal': {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      return Number.isFinite(n) && Math.abs(Math.round(n * 100) / 100) >= DECIMAL_LIMIT
        ? `${String(value)} is out of range for a decimal attribute (10 digits, 2 after the point: less than 100000000 in absolute value)`
        : null;
    }
    case 'date':
      return typeof value === 'string' ? dateProblem(value) : null;
    case 'time':
      return typeof value === 'string' ? timeProblem(value) : null;
    case 'datetime':
    case 'timestamp':
      return typeof value === 'string' ? dateProblem(value) ?? timeProblem(value) : null;
    default:
      return null;
  }
};

/**
 * Database errors as users read them: the driver's own sentence, never the SQL text knex prefixes to it
 * (`insert into "cities" (...) values (...) - value too long...`), with the column named as the attribute it
 * holds. Most limits are checked before the database (column-limits.ts); this covers what only the database knows.
 */

interface DriverError {
  message?: unknown;
  /** SQLSTATE (PostgreSQL), ER_* (MySQL/MariaDB), SQLITE_* (SQLite). */
  code?: unknown;
  /** MySQL/MariaDB (mysql2): the server's message without the SQL. */
  sqlMessage?: unknown;
  /** PostgreSQL: more about the failure (e.g. decimal precision). */
  detail?: unknown;
  /** PostgreSQL: the column, when the server names it (not-null violations). */
  column?: unknown;
}

/** Text that looks like SQL or quotes identifiers as SQL does: never shown to a user. */
const SQL_TEXT = /\b(insert\s+into|select\s[\s\S]*\sfrom|update\s+\S+\s+set|delete\s+from|returning)\b|`/i;

export const containsSql = (text: string) => SQL_TEXT.test(text);

/** A driver's error (knex-wrapped or not), recognised by its code. */
export const isDatabaseError = (error: unknown): boolean => {
  const code = (error as DriverError | null)?.code;
  return typeof code === 'string' && (/^[0-9A-Z]{5}$/.test(code) || /^(ER_|SQLITE_)/.test(code));
};

/** The driver's sentence: mysql2's sqlMessage, else what follows knex's `<sql> - ` prefix. */
const driverSentence = (error: DriverError): string => {
  if (typeof error.sqlMessage === 'string') return error.sqlMessage;
  const message = typeof error.message === 'string' ? error.message : String(error.message ?? '');
  const firstLine = message.split('\n')[0];
  if (!containsSql(firstLine)) return firstLine;
  const cut = firstLine.lastIndexOf(' - ');
  return cut >= 0 ? firstLine.slice(cut + 3) : firstLine;
};

/**
 * A user's message for a database error: `field: the database refused the value: <the driver's sentence>`, and the
 * field. `fieldOf` maps a column name to its attribute (unknown columns keep their name). Null if not a driver error.
 */
export const databaseProblem = (
  error: unknown,
  fieldOf: (column: string) => string = (c) => c
): { field: string | null; message: string } | null => {
  if (!isDatabaseError(error)) return null;
  const e = error as DriverError;
  let sentence = driverSentence(e);
  let field: string | null = typeof e.column === 'string' ? fieldOf(e.column) : null;
  // MySQL/MariaDB name the column as 'name' or `db`.`table`.`name`.
  sentence = sentence.replace(/for column (?:`[^`]*`\.)*`([^`]+)`|for column '([^']+)'/, (_all, quoted, plain) => {
    field = fieldOf(String(quoted ?? plain));
    return 'for this field';
  });
  sentence = sentence.replace(/ at row \d+$/, '');
  if (typeof e.detail === 'string' && !containsSql(e.detail)) sentence = `${sentence} (${e.detail})`;
  if (containsSql(sentence)) sentence = `error ${String(e.code)}`;
  return { field, message: `${field ? `${field}: ` : ''}the database refused the value: ${sentence}` };
};

/** The message of `databaseProblem`. */
export const describeDatabaseError = (error: unknown, fieldOf?: (column: string) => string): string | null =>
  databaseProblem(error, fieldOf)?.message ?? null;

/** Any message a user sees: SQL text replaced by what the driver said, or by a generic sentence. */
export const withoutSql = (message: string, error?: unknown): string => {
  if (!containsSql(message)) return message;
  const described = error === undefined ? null : describeDatabaseError(error);
  return described ?? 'the database refused the operation';
};

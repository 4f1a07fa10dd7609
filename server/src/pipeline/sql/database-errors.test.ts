import { containsSql, describeDatabaseError, withoutSql } from './database-errors';

/** Errors as knex rethrows them: the formatted SQL, " - ", then the driver's message. */
const knexError = (sql: string, driverMessage: string, fields: Record<string, unknown>) =>
  Object.assign(new Error(`${sql} - ${driverMessage}`), fields);

const fieldOf = (column: string) => ({ big_total: 'bigTotal', name: 'name' })[column] ?? column;

describe('describeDatabaseError', () => {
  test('PostgreSQL: the driver sentence and detail, no SQL', () => {
    const error = knexError(
      `insert into "measurements" ("amount") values (1000000000) returning "id"`,
      'numeric field overflow',
      { code: '22003', detail: 'A field with precision 10, scale 2 must round to an absolute value less than 10^8.' }
    );
    const message = describeDatabaseError(error, fieldOf)!;
    expect(message).toBe(
      'the database refused the value: numeric field overflow (A field with precision 10, scale 2 must round to an absolute value less than 10^8.)'
    );
    expect(containsSql(message)).toBe(false);
  });

  test('MariaDB: the column named as its attribute, backticks gone', () => {
    const error = knexError("insert into `measurements` (`big_total`) values ('1')", 'x', {
      code: 'ER_WARN_DATA_OUT_OF_RANGE',
      sqlMessage: "Out of range value for column 'big_total' at row 1",
    });
    expect(describeDatabaseError(error, fieldOf)).toBe(
      'bigTotal: the database refused the value: Out of range value for this field'
    );
    const date = knexError('insert into `m` (`day`) values (?)', 'x', {
      code: 'ER_TRUNCATED_WRONG_VALUE',
      sqlMessage: "Incorrect date value: '2026-02-30' for column `strapi`.`measurements`.`name` at row 1",
    });
    expect(describeDatabaseError(date, fieldOf)).toBe(
      "name: the database refused the value: Incorrect date value: '2026-02-30' for this field"
    );
  });

  test('not a driver error: null; SQL never passes withoutSql', () => {
    expect(describeDatabaseError(new Error('title: must be defined'))).toBeNull();
    expect(withoutSql('title: must be defined')).toBe('title: must be defined');
    expect(containsSql(withoutSql('select "id" from "t" where 1 - boom'))).toBe(false);
    const sqlite = knexError('insert into `t` (`a`) values (1)', 'SQLITE_TOOBIG: string or blob too big', { code: 'SQLITE_TOOBIG' });
    expect(withoutSql(sqlite.message, sqlite)).toBe('the database refused the value: SQLITE_TOOBIG: string or blob too big');
  });
});

import { columnLimitProblem } from './column-limits';

describe('columnLimitProblem', () => {
  test('string columns: 255 characters (code points), not UTF-16 units', () => {
    expect(columnLimitProblem('string', 'a'.repeat(255))).toBeNull();
    expect(columnLimitProblem('string', '😀'.repeat(255))).toBeNull();
    expect(columnLimitProblem('string', 'a'.repeat(256))).toBe(
      '256 characters, over the limit of 255 of a string attribute (a text attribute holds longer text)'
    );
    expect(columnLimitProblem('uid', 'a'.repeat(300))).toMatch(/^300 characters, over the limit of 255 of a uid/);
    expect(columnLimitProblem('text', 'a'.repeat(100000))).toBeNull();
  });

  test('integer: 32 bits; biginteger: 64 bits', () => {
    expect(columnLimitProblem('integer', 2147483647)).toBeNull();
    expect(columnLimitProblem('integer', -2147483648)).toBeNull();
    expect(columnLimitProblem('integer', 2147483648)).toMatch(/^2147483648 is out of range for an integer attribute/);
    expect(columnLimitProblem('biginteger', '9223372036854775807')).toBeNull();
    expect(columnLimitProblem('biginteger', '-9223372036854775808')).toBeNull();
    expect(columnLimitProblem('biginteger', '9223372036854775808')).toMatch(
      /^9223372036854775808 is out of range for a biginteger attribute \(64 bits/
    );
  });

  test('decimal(10, 2): less than 10^8 once rounded', () => {
    expect(columnLimitProblem('decimal', 99999999.99)).toBeNull();
    expect(columnLimitProblem('decimal', '-99999999.99')).toBeNull();
    expect(columnLimitProblem('decimal', 100000000)).toMatch(/out of range for a decimal attribute/);
    expect(columnLimitProblem('decimal', '99999999.999')).toMatch(/out of range/);
  });

  test('dates, times and date-times that do not exist', () => {
    expect(columnLimitProblem('date', '2024-02-29')).toBeNull();
    expect(columnLimitProblem('date', '2026-02-30')).toBe('2026-02-30 is not a date: 2026-02 has 28 days');
    expect(columnLimitProblem('date', '2026-13-01')).toBe('2026-13-01 has no month 13');
    expect(columnLimitProblem('datetime', '2026-02-30T10:00:00.000Z')).toBe('2026-02-30 is not a date: 2026-02 has 28 days');
    expect(columnLimitProblem('datetime', '2026-02-28T24:00:00Z')).toMatch(/is not a time of day/);
    expect(columnLimitProblem('datetime', '2026-02-28T23:59:59.999Z')).toBeNull();
    expect(columnLimitProblem('time', '25:00:00')).toBe('25:00:00 is not a time of day (00:00:00 to 23:59:59)');
    expect(columnLimitProblem('time', '23:59:59.999')).toBeNull();
  });
});

describe('NUL characters', () => {
  it('are refused in every text type, with their place', () => {
    for (const type of ['string', 'text', 'richtext']) expect(columnLimitProblem(type, 'a\u0000b')).toMatch(/NUL character \(U\+0000, at character 2\)/);
  });
});

describe('unpaired surrogates', () => {
  it('refuses text holding half of a surrogate pair, in every text type, naming the character and its place', () => {
    for (const type of ['string', 'text', 'richtext', 'email', 'uid']) {
      expect(columnLimitProblem(type, '\ud83d')).toMatch(/unpaired surrogate \(U\+D83D, at character 1\)/);
      expect(columnLimitProblem(type, 'x\udc00y')).toMatch(/U\+DC00, at character 2/);
    }
  });

  it('accepts whole pairs and other text', () => {
    expect(columnLimitProblem('text', '😀 e\u0301 \ufeff \u0001')).toBeNull();
    expect(columnLimitProblem('string', '😀'.repeat(255))).toBeNull();
  });
});

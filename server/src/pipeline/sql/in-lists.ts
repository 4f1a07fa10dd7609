/** The most values bound in one IN list (SQLite refuses more than about 32,000 bound values per statement). */
export const IN_LIST = 500;

/** A list in parts of at most `size` (bounded IN lists, bounded statements). */
export const chunks = <T>(list: T[], size = IN_LIST): T[][] => {
  const result: T[][] = [];
  for (let i = 0; i < list.length; i += size) result.push(list.slice(i, i + size));
  return result;
};

/**
 * A list in parts of `size`, the last one split further into powers of two (117 rows: 64, 32, 16, 4, 1): a few
 * statement shapes that recur, so that a cache of prepared statements (SQLite) prepares each once. Measured on
 * 100,000 contacts: preparing a new multi-row INSERT for every batch's last part was 4% of an import.
 */
export const recurringChunks = <T>(list: T[], size: number): T[][] => {
  const result: T[][] = [];
  let i = 0;
  for (; i + size <= list.length; i += size) result.push(list.slice(i, i + size));
  for (let left = list.length - i; left > 0; left = list.length - i) {
    let part = 1;
    while (part * 2 <= left) part *= 2;
    result.push(list.slice(i, i + part));
    i += part;
  }
  return result;
};

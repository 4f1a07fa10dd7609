/** The most values bound in one IN list (SQLite refuses more than about 32,000 bound values per statement). */
export const IN_LIST = 500;

/** A list in parts of at most `size` (bounded IN lists, bounded statements). */
export const chunks = <T>(list: T[], size = IN_LIST): T[][] => {
  const result: T[][] = [];
  for (let i = 0; i < list.length; i += size) result.push(list.slice(i, i + size));
  return result;
};

import { lookupIndexName } from './lookup-index';

test('lookup index names: the table and columns, shortened with a hash past 60 characters', () => {
  expect(lookupIndexName('articles', ['slug', 'locale'])).toBe('dmc_lookup_articles_slug_locale');
  const long = lookupIndexName('components_some_very_long_collection_name_here', ['a_long_column_name', 'locale']);
  expect(long.length).toBeLessThanOrEqual(60);
  expect(long.startsWith('dmc_lookup_components_some_very_long')).toBe(true);
  // Two long names that share their first 51 characters stay distinct.
  expect(lookupIndexName('components_some_very_long_collection_name_here', ['another_column', 'locale'])).not.toBe(long);
});

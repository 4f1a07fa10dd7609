import { relationTargetLocale } from './relation-locale';

describe('relationTargetLocale (Strapi 5 rule)', () => {
  test.each([
    [{ sourceLocalized: true, targetLocalized: true, sourceLocale: 'fr', defaultLocale: 'en' }, 'fr'],
    [{ sourceLocalized: false, targetLocalized: true, sourceLocale: null, defaultLocale: 'en' }, 'en'],
    [{ sourceLocalized: false, targetLocalized: true, sourceLocale: null, defaultLocale: 'de' }, 'de'],
    [{ sourceLocalized: true, targetLocalized: false, sourceLocale: 'fr', defaultLocale: 'en' }, null],
    [{ sourceLocalized: false, targetLocalized: false, sourceLocale: null, defaultLocale: 'en' }, null],
  ])('%j → %s', (input, expected) => {
    expect(relationTargetLocale(input)).toBe(expected);
  });
});

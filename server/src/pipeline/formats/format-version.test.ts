import {
  FORMAT_VERSION,
  FormatVersionError,
  parseFormatVersion,
  planUpgrade,
  UPGRADES,
  type UpgradeStep,
} from './format-version';

/**
 * A made-up history, to drive the upgrade machinery the way a real format change will:
 * version 1 wrote media as a bare url string and the configuration key `strategy`; version 2 wrote media as
 * `{ "url" }` and renamed `strategy` to `importStrategy`; version 3 added `locale` to every item.
 */
const HISTORY: UpgradeStep[] = [
  {
    from: 2,
    description: 'every item carries its locale',
    item: (item) => ({ locale: 'en', ...item }),
  },
  {
    from: 1,
    description: 'media as { url }; strategy → importStrategy',
    configuration: ({ strategy, ...rest }) => ({ ...rest, importStrategy: strategy }),
    item: (item) => (typeof item.cover === 'string' ? { ...item, cover: { url: item.cover } } : item),
  },
];

describe('planUpgrade', () => {
  it('upgrades an old file step by step, in version order, configuration and items', () => {
    const upgrade = planUpgrade(1, { current: 3, steps: HISTORY });
    expect(upgrade).toMatchObject({ from: 1, to: 3 });
    expect(upgrade.steps.map((step) => step.from)).toEqual([1, 2]);
    expect(upgrade.configuration({ contentType: 'api::article.article', strategy: 'upsert' })).toEqual({
      contentType: 'api::article.article',
      importStrategy: 'upsert',
    });
    expect(upgrade.item({ title: 'Hello', cover: '/uploads/a.png' })).toEqual({
      locale: 'en',
      title: 'Hello',
      cover: { url: '/uploads/a.png' },
    });
  });

  it('starts the chain at the file version', () => {
    const upgrade = planUpgrade(2, { current: 3, steps: HISTORY });
    expect(upgrade.steps.map((step) => step.from)).toEqual([2]);
    // Version 2 media are left alone: only the 2 → 3 step runs.
    expect(upgrade.item({ cover: 'kept' })).toEqual({ locale: 'en', cover: 'kept' });
  });

  it('changes nothing for a file of the current version, or without a version (another system wrote it)', () => {
    for (const version of [3, undefined]) {
      const upgrade = planUpgrade(version, { current: 3, steps: HISTORY });
      expect(upgrade.steps).toEqual([]);
      const item = { cover: 'x' };
      expect(upgrade.item(item)).toBe(item);
    }
  });

  it('refuses a newer file, naming both versions', () => {
    expect(() => planUpgrade(4, { current: 3, steps: HISTORY })).toThrow(
      new FormatVersionError(
        'The file was written in format version 4; this version of the plugin reads format versions up to 3: update the plugin to import it'
      )
    );
  });

  it('names a missing step of the chain', () => {
    expect(() => planUpgrade(1, { current: 3, steps: HISTORY.filter((step) => step.from !== 2) })).toThrow(
      'No upgrade step from format version 2 to 3'
    );
  });

  it("the plugin's own table covers every version up to FORMAT_VERSION", () => {
    for (let version = 1; version <= FORMAT_VERSION; version += 1) {
      expect(planUpgrade(version).to).toBe(FORMAT_VERSION);
    }
    expect(UPGRADES.every((step) => step.from >= 1 && step.from < FORMAT_VERSION)).toBe(true);
  });
});

describe('parseFormatVersion', () => {
  it('reads a positive integer, and nothing when absent', () => {
    expect(parseFormatVersion(2)).toBe(2);
    expect(parseFormatVersion(undefined)).toBeUndefined();
    expect(parseFormatVersion(null)).toBeUndefined();
  });

  it.each([0, -1, 1.5, '1', {}, true])('refuses %p', (value) => {
    expect(() => parseFormatVersion(value)).toThrow(/Invalid formatVersion .*: expected a positive integer/);
  });
});

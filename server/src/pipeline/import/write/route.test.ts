import { route, type RouteFacts, type WriteRoute } from './route';

const newEntry: RouteFacts = {
  bulkWriter: true,
  deferred: false,
  blocker: null,
  exists: false,
  newLocaleVersion: false,
  rowKnown: false,
  updateBlocker: null,
  unsynced: false,
  publishes: false,
  publishCertain: false,
};
const update: RouteFacts = { ...newEntry, exists: true, rowKnown: true };

const cases: Array<[string, RouteFacts, WriteRoute, RegExp]> = [
  ['no bulk writer', { ...newEntry, bulkWriter: false }, 'document-service', /no bulk writer/],
  ['deferred self references', { ...newEntry, deferred: true }, 'document-service', /self references/],
  ['an unsupported attribute', { ...newEntry, blocker: 'a password' }, 'document-service', /does not write a password/],
  ['a blocker on an update too', { ...update, blocker: 'media' }, 'document-service', /does not write media/],
  ['a new entry', newEntry, 'bulk-create', /inserted in bulk/],
  ['a new entry in a publishing import', { ...newEntry, publishes: true }, 'bulk-create', /inserted in bulk/],
  ['a new locale version', { ...newEntry, newLocaleVersion: true }, 'document-service', /new locale/],
  ['an entry created in the batch', { ...update, rowKnown: false }, 'document-service', /created earlier/],
  [
    'a type whose updates are blocked',
    { ...update, updateBlocker: 'firstPublishedAt' },
    'document-service',
    /updates of this type.*firstPublishedAt/,
  ],
  [
    'a document whose locales hold different non-localized values',
    { ...update, unsynced: true },
    'document-service',
    /locales hold different non-localized values/,
  ],
  ['an update that publishes, uncertain', { ...update, publishes: true }, 'document-service', /publish/],
  [
    'an update that publishes, certain',
    { ...update, publishes: true, publishCertain: true },
    'bulk-publish',
    /published rules/,
  ],
  ['an update of a draft', update, 'bulk-update', /updates of stored rows/],
  [
    'an update ignores publishCertain when not publishing',
    { ...update, publishCertain: true },
    'bulk-update',
    /stored rows/,
  ],
];

describe('route', () => {
  it.each(cases)('%s', (_name, facts, expected, reason) => {
    const decision = route(facts);
    expect(decision.route).toBe(expected);
    expect(decision.reason).toMatch(reason);
  });

  it('checks the type before the entry: no bulk writer wins over every other fact', () => {
    expect(route({ ...update, bulkWriter: false, deferred: true, blocker: 'x' }).reason).toMatch(/no bulk writer/);
  });
});

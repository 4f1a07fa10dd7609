import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { errorReport, importFile, jsonl } from '../helpers/tasks';

/**
 * The bulk write path and the Document Service path leave the same database state for the same file (ids,
 * documentIds and timestamps aside), for components: a file of its own next to write-paths.test.ts (each run
 * registers an admin, and Strapi rate-limits registrations per process: six in one file are refused).
 */

/** A task's error report (JSON): the failed items with their number (counting from 1) and message. */
const reportOf = async (app: TestApp, token: string, task: { id: number }) =>
  JSON.parse((await errorReport(app, token, task.id)).text) as Array<{ itemNumber: number; message: string }>;

const VOLATILE = new Set(['id', 'document_id', 'created_at', 'updated_at', 'published_at']);

/**
 * Trips: repeatable components, components inside components (single and repeatable), components with relations
 * (to a localized type and to a type without draft & publish) and media, a dynamic zone of such components; created
 * as drafts and published, updated (patch and overwrite: replaced, emptied, reordered), updated and published.
 * Every component row is named by its owner chain (trip, field, place; then the component's own field and place).
 */
const TRIP_COMPONENTS = ['places.stop', 'places.note'];
const note = (i: number, extra: Record<string, unknown> = {}) => ({
  text: `Note ${i}`,
  city: i % 3 === 2 ? null : { code: `c${i % 3}` },
  photo: i % 2 ? { hash: 'cover_hash' } : null,
  ...extra,
});
const stop = (i: number, extra: Record<string, unknown> = {}) => ({
  name: `Stop ${i}`,
  country: i % 4 === 3 ? null : { code: ['FR', 'DE', 'ES'][i % 3] },
  cities: i % 5 === 4 ? [] : [{ code: `c${(i + 1) % 3}` }, { code: `c${i % 3}` }],
  gallery: i % 3 === 0 ? [{ hash: 'cover_hash' }, { hash: 'other_hash' }] : [],
  note: i % 2 ? note(i) : null,
  notes: i % 3 === 1 ? [] : [note(i + 1), note(i + 2, { text: `Second ${i}` })],
  ...extra,
});
const trip = (i: number, extra: Record<string, unknown> = {}) => ({
  title: `Trip ${i}`,
  slug: `trip-${i}`,
  stops: i % 4 === 3 ? [] : [stop(i), stop(i + 1), ...(i % 2 ? [stop(i + 2)] : [])],
  main: i % 3 === 2 ? null : stop(i + 7),
  legs:
    i % 5 === 4
      ? []
      : [
          { __component: 'places.note', ...note(i + 3) },
          { __component: 'places.stop', ...stop(i + 4) },
        ],
  ...extra,
});
const TRIP_UPDATES = jsonl(
  Array.from({ length: 16 }, (_, i) => ({
    slug: `trip-${i}`,
    title: `Trip ${i} updated`,
    ...[
      { stops: [stop(i + 10), stop(i + 11)] }, // replaced
      { stops: [] }, // emptied
      { stops: [stop(i + 1), stop(i)] }, // reordered
      { main: stop(i + 20, { notes: [note(i + 30)] }), legs: [{ __component: 'places.note', ...note(i + 31) }] },
      { main: null, legs: [{ __component: 'places.stop', ...stop(i + 40) }] },
      {},
    ][i % 6],
  }))
);
/**
 * Updates that publish: over published trips (their drafts changed above) and over drafts never published. (None
 * sets `stops` over a draft whose dynamic zone an update emptied: the `_cmps` rows the Document Service leaves behind
 * then take a place in the renumbering its `set` of a repeatable component does, see docs/write-and-read-paths.md.)
 */
const TRIP_PUBLISHING = jsonl([
  ...Array.from({ length: 10 }, (_, i) => ({
    slug: `trip-${i}`,
    title: `Trip ${i} published`,
    ...(i % 3 === 0 ? { stops: [stop(i + 50)] } : i % 3 === 1 ? { main: stop(i + 60) } : {}),
  })),
  ...Array.from({ length: 4 }, (_, i) => ({ slug: `trip-${100 + i}`, title: `Trip ${100 + i} published` })),
]);

const tripState = async (app: TestApp) => {
  const knex = app.strapi.db.connection;
  type Row = Record<string, unknown>;
  const meta = (uid: string) =>
    app.strapi.db.metadata.get(uid as never) as unknown as {
      tableName: string;
      attributes: Record<
        string,
        { joinTable?: { name: string; joinColumn: { name: string }; inverseJoinColumn?: { name: string } } }
      >;
    };
  const read = async (table: string) => (await knex(table).select('*').orderBy('id')) as Row[];
  const trips = await read('trips');
  const tripId = new Map(trips.map((r) => [r.id, `${r.slug}|${r.published_at === null ? 'draft' : 'published'}`]));
  const componentRows = new Map<string, Row[]>();
  for (const uid of TRIP_COMPONENTS) componentRows.set(uid, await read(meta(uid).tableName));
  // The `_cmps` tables: the trip's and the stop's (components inside a stop).
  const cmps = { trips: await read('trips_cmps'), stops: await read(`${meta('places.stop').tableName}_cmps`) };
  const exists = (r: Row) => componentRows.get(String(r.component_type))!.some((c) => c.id === r.cmp_id);
  const dangling = [...cmps.trips, ...cmps.stops].filter((r) => !exists(r));
  const ownerOf = new Map<string, { table: 'trips' | 'stops'; link: Row }>();
  for (const table of ['trips', 'stops'] as const)
    for (const link of cmps[table].filter(exists))
      ownerOf.set(`${link.component_type}|${link.cmp_id}`, { table, link });
  const componentName = (type: string, id: unknown, depth = 0): string => {
    const owner = ownerOf.get(`${type}|${id}`);
    if (!owner || depth > 4) return `no owner ${type}`;
    const { link } = owner;
    const parent =
      owner.table === 'trips' ? tripId.get(link.entity_id) : componentName('places.stop', link.entity_id, depth + 1);
    return `${parent}/${link.field}#${link.order ?? '-'}:${type}`;
  };
  const strip = (row: Row) => Object.fromEntries(Object.entries(row).filter(([k]) => !VOLATILE.has(k)));
  const sorted = (list: Row[]) => list.map((r) => JSON.stringify(r)).sort();
  const out: Record<string, string[]> = {
    trips: sorted(trips.map((r) => ({ ...strip(r), version: tripId.get(r.id) }))),
    components: sorted(
      [...componentRows].flatMap(([type, rows]) => rows.map((r) => ({ ...strip(r), name: componentName(type, r.id) })))
    ),
    links: sorted(
      [...cmps.trips, ...cmps.stops]
        .filter(exists)
        .map((r) => ({ field: r.field, order: r.order, name: componentName(String(r.component_type), r.cmp_id) }))
    ),
    dangling: sorted(dangling.map((r) => ({ field: r.field, order: r.order, type: r.component_type }))),
    files: sorted(
      (await read('files_related_mph'))
        .filter((r) => TRIP_COMPONENTS.includes(String(r.related_type)))
        .map((r) => ({ ...strip(r), related_id: componentName(String(r.related_type), r.related_id) }))
    ),
  };
  for (const [uid, attribute] of [
    ['places.stop', 'country'],
    ['places.stop', 'cities'],
    ['places.note', 'city'],
  ]) {
    const join = meta(uid).attributes[attribute].joinTable!;
    out[join.name] = sorted(
      (await read(join.name)).map((r) => ({
        ...strip(r),
        [join.joinColumn.name]: componentName(uid, r[join.joinColumn.name]),
      }))
    );
  }
  return out;
};

const runTrips = async (bulk: boolean) => {
  const app = await startApp({ env: { DMC_BULK_WRITES: String(bulk) } });
  try {
    const token = await registerSuperAdmin(app);
    for (const hash of ['cover_hash', 'other_hash'])
      await app.strapi.db.query('plugin::upload.file').create({
        data: {
          name: `${hash}.png`,
          hash,
          ext: '.png',
          mime: 'image/png',
          size: 1,
          url: `/uploads/${hash}.png`,
          provider: 'local',
        },
      });
    await importFile(app, token, {
      fileName: 'countries.jsonl',
      content: jsonl(['FR', 'DE', 'ES'].map((code) => ({ name: `Country ${code}`, code }))),
      options: { contentType: 'api::country.country', matchBy: 'code' },
    });
    await importFile(app, token, {
      fileName: 'cities.jsonl',
      content: jsonl(['c0', 'c1', 'c2'].map((code) => ({ name: `City ${code}`, code }))),
      options: { contentType: 'api::city.city', matchBy: 'code' },
    });
    const options = { contentType: 'api::trip.trip', matchBy: 'slug', onError: 'continue' };
    const published = await importFile(app, token, {
      fileName: 'trips.jsonl',
      content: jsonl(Array.from({ length: 20 }, (_, i) => trip(i))),
      options: { ...options, status: 'published' },
    });
    const drafts = await importFile(app, token, {
      fileName: 'trip-drafts.jsonl',
      content: jsonl(Array.from({ length: 6 }, (_, i) => trip(100 + i))),
      options: { ...options, status: 'draft' },
    });
    const updates = await importFile(app, token, {
      fileName: 'trip-updates.jsonl',
      content: TRIP_UPDATES,
      options: { ...options, status: 'draft' },
    });
    const overwrite = await importFile(app, token, {
      fileName: 'trip-overwrite.jsonl',
      content: jsonl([
        { slug: 'trip-16', title: 'Trip 16 overwritten' },
        { slug: 'trip-17', title: 'Trip 17 overwritten', stops: [stop(70)] },
        { slug: 'trip-104', title: 'Trip 104 overwritten', legs: [{ __component: 'places.note', ...note(71) }] },
      ]),
      options: { ...options, status: 'draft', updateStrategy: 'overwrite' },
    });
    const beforePublishing = await tripState(app);
    const publishing = await importFile(app, token, {
      fileName: 'trip-publishing.jsonl',
      content: TRIP_PUBLISHING,
      options: { ...options, status: 'published' },
    });
    const publishingReport = await reportOf(app, token, publishing);
    return {
      published,
      drafts,
      updates,
      overwrite,
      beforePublishing,
      publishing,
      publishingReport,
      rows: await tripState(app),
    };
  } finally {
    await app.stop();
  }
};

test('trips (repeatable and nested components with relations and media): both paths leave identical rows', async () => {
  const bulk = await runTrips(true);
  const service = await runTrips(false);
  for (const key of ['published', 'drafts', 'updates', 'overwrite', 'publishing'] as const) {
    expect({ key, task: bulk[key] }).toMatchObject({ key, task: { status: 'completed', writePath: 'bulk' } });
    expect({ key, task: service[key] }).toMatchObject({
      key,
      task: { writePath: 'document-service', counts: bulk[key].counts },
    });
  }
  expect(bulk.published.counts).toMatchObject({ created: 20, failed: 0 });
  expect(bulk.updates.counts).toMatchObject({ updated: 16, failed: 0 });
  expect(bulk.publishing.counts).toMatchObject({ updated: 14, failed: 0 });
  for (const table of Object.keys(service.rows).filter((t) => t !== 'dangling')) {
    expect({ table, rows: bulk.beforePublishing[table] }).toEqual({ table, rows: service.beforePublishing[table] });
    expect({ table, rows: bulk.rows[table] }).toEqual({ table, rows: service.rows[table] });
  }
  expect(bulk.rows.dangling).toEqual([]);
  // Something of every kind was written.
  for (const table of Object.keys(bulk.rows).filter((t) => t !== 'dangling'))
    expect({ table, count: bulk.rows[table].length > 0 }).toEqual({ table, count: true });
  expect(bulk.rows.components.some((c) => c.includes('/notes#2:places.note'))).toBe(true);
}, 300_000); // two apps and seven imports each: over 100 s on MariaDB

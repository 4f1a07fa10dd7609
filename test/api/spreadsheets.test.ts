import ExcelJS from 'exceljs';
import { registerSuperAdmin } from '../helpers/admin';
import { startApp, type TestApp } from '../helpers/strapi';
import { BASE, downloadBytes, errorReport, exportFile, importFile, postImport } from '../helpers/tasks';

/**
 * What an editor does with a spreadsheet: export CSV for their Excel (semicolons, a byte order mark, relations as
 * plain keys), edit it, import it back without typing JSON; decimal commas; tab-separated files; XLSX both ways.
 */

let app: TestApp;
let token: string;

const PORT = 'api::port.port';
const COUNTRY = 'api::country.country';
const MEASUREMENT = 'api::measurement.measurement';

type Docs = {
  create(p: Record<string, unknown>): Promise<Record<string, any>>;
  findFirst(p?: Record<string, unknown>): Promise<Record<string, any> | null>;
  findMany(p?: Record<string, unknown>): Promise<Array<Record<string, any>>>;
  delete(p: Record<string, unknown>): Promise<unknown>;
};
const docs = (uid: string) => app.strapi.documents(uid as never) as unknown as Docs;

beforeAll(async () => {
  app = await startApp();
  token = await registerSuperAdmin(app);
  for (const [code, name] of [['FR', 'France'], ['DE', 'Germany'], ['IT', 'Italy']]) await docs(COUNTRY).create({ data: { code, name } });
  const id = async (code: string) => (await docs(COUNTRY).findFirst({ filters: { code } }))?.documentId;
  await docs(PORT).create({ data: { name: 'Le Havre; north', code: 'P1', country: await id('FR'), countries: [await id('FR'), await id('DE')] } });
  await docs(PORT).create({ data: { name: 'Genoa', code: 'P2' } });
});

afterAll(async () => {
  await app?.stop();
});

const portRelations = async (code: string) => {
  const port = await docs(PORT).findFirst({ filters: { code }, populate: ['country', 'countries'] });
  return { country: port?.country?.code ?? null, countries: ((port?.countries ?? []) as Array<{ code: string }>).map((c) => c.code).sort() };
};

describe('CSV for a European Excel', () => {
  it('exports with semicolons, a byte order mark and relations as plain codes; the edited file imports back', async () => {
    const { text } = await exportFile(app, token, {
      contentType: PORT,
      format: 'csv',
      fields: ['name', 'code', 'country', 'countries'],
      relationsAs: 'code',
      csvDelimiter: ';',
      csvBom: true,
      sort: 'code:asc',
    });
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('\ufeffdocumentId;name;code;country.code;countries.code');
    expect(lines[1]).toMatch(/^[a-z0-9]+;"Le Havre; north";P1;FR;FR\|DE$|^[a-z0-9]+;"Le Havre; north";P1;FR;DE\|FR$/);
    expect(lines[2]).toMatch(/^[a-z0-9]+;Genoa;P2;;$/);

    // The editor removes the documentId column, gives Genoa a country and two others, and saves.
    const edited = ['\ufeffname;code;country.code;countries.code', '"Le Havre; north";P1;FR;FR', 'Genoa;P2;IT;IT|FR', ''].join('\r\n');
    const task = await importFile(app, token, { fileName: 'ports.csv', content: edited, options: { contentType: PORT, matchBy: 'code' } });
    expect(task).toMatchObject({ status: 'completed', counts: { updated: 2, failed: 0 } });
    expect(await portRelations('P1')).toEqual({ country: 'FR', countries: ['FR'] });
    expect(await portRelations('P2')).toEqual({ country: 'IT', countries: ['FR', 'IT'] });
  });

  it('names the row, column and key of a relation that finds nothing, and of a key that is not unique', async () => {
    const file = 'name;code;country.code;countries.code\r\nX;P9;ZZ;FR\r\nY;P10;;FR|QQ\r\n';
    const task = await importFile(app, token, { fileName: 'bad.csv', content: file, options: { contentType: PORT, matchBy: 'code', onError: 'continue' } });
    expect(task.counts).toMatchObject({ created: 0, failed: 2 });
    const report = JSON.parse((await errorReport(app, token, task.id)).text) as Array<{ line: number; message: string; field: string }>;
    expect(report.map((r) => r.line)).toEqual([2, 3]);
    expect(report[0].message).toMatch(/country/);
    expect(report[0].message).toMatch(/ZZ/);
    expect(report[1].message).toMatch(/QQ/);

    const notUnique = await importFile(app, token, { fileName: 'name.csv', content: 'code,country.name\r\nP11,France\r\n', options: { contentType: PORT, matchBy: 'code' } });
    expect(notUnique.status).toBe('failed');
    expect(notUnique.error).toMatch(/name/);
  });

  it('refuses the CSV options on other formats, before any task', async () => {
    const json = await app.http().post(`${BASE}/export-tasks`).set('Authorization', `Bearer ${token}`).send({ contentType: PORT, format: 'json', csvDelimiter: ';' });
    expect(json.status).toBe(400);
    expect(json.body.error.message).toMatch(/csvDelimiter applies to CSV exports/);
    const bad = await app.http().post(`${BASE}/export-tasks`).set('Authorization', `Bearer ${token}`).send({ contentType: PORT, format: 'csv', csvDelimiter: '|' });
    expect(bad.status).toBe(400);
    const decimal = await postImport(app, token, { fileName: 'm.jsonl', content: '{"code":"x"}\n', options: { contentType: MEASUREMENT, decimalComma: true } });
    expect(decimal.status).toBe(400);
    expect(decimal.body.error.message).toMatch(/decimalComma applies to CSV and XLSX/);
  });
});

describe('translations of existing documents by a natural key', () => {
  const versions = async (code: string) =>
    (await app.strapi.db.query(COUNTRY as never).findMany({ where: { code }, select: ['documentId', 'locale', 'name'], orderBy: { locale: 'asc' } })) as Array<{ documentId: string; locale: string; name: string }>;

  it('a French file matched by code (not localized) adds the French version to each document, then updates it', async () => {
    const [en] = await versions('DE');
    const csv = 'code,name\r\nDE,Allemagne\r\nIT,Italie\r\n';
    const task = await importFile(app, token, { fileName: 'pays.csv', content: csv, options: { contentType: COUNTRY, matchBy: 'code', locale: 'fr' } });
    expect(task).toMatchObject({ status: 'completed', counts: { created: 2, updated: 0, failed: 0 } });
    expect(await versions('DE')).toEqual([
      { documentId: en.documentId, locale: 'en', name: 'Germany' },
      { documentId: en.documentId, locale: 'fr', name: 'Allemagne' },
    ]);
    const again = await importFile(app, token, { fileName: 'pays.csv', content: csv.replace('Italie', "L'Italie"), options: { contentType: COUNTRY, matchBy: 'code', locale: 'fr' } });
    expect(again).toMatchObject({ status: 'completed', counts: { created: 0, updated: 2 } });
    expect((await versions('IT')).map((v) => v.name)).toEqual(['Italy', "L'Italie"]);
    expect(new Set((await versions('IT')).map((v) => v.documentId)).size).toBe(1);
  });

  it('a file with a new document in two locales makes one document, in either write path', async () => {
    const file = ['code,name,locale', 'ES,Spain,en', 'ES,Espagne,fr', 'PT,Portugal,en', 'PT,Portugal (fr),fr', ''].join('\r\n');
    const task = await importFile(app, token, { fileName: 'new.csv', content: file, options: { contentType: COUNTRY, matchBy: 'code' } });
    expect(task).toMatchObject({ status: 'completed', counts: { created: 4, failed: 0 } });
    for (const code of ['ES', 'PT']) {
      const rows = await versions(code);
      expect(rows.map((r) => r.locale)).toEqual(['en', 'fr']);
      expect(rows[0].documentId).toBe(rows[1].documentId);
    }
  });
});

describe('numbers with decimal commas, tab-separated files', () => {
  it('reads 1.234,5 and 48,86 with decimalComma, and names the cell without it', async () => {
    const file = 'code\tamount\tcount\tlabel\nDC1\t1.234,5\t7\tA, with comma\nDC2\t48,86\t1.000\tB\n';
    const task = await importFile(app, token, { fileName: 'measures.csv', content: file, options: { contentType: MEASUREMENT, matchBy: 'code', decimalComma: true } });
    expect(task).toMatchObject({ status: 'completed', counts: { created: 2 } });
    const rows = await docs(MEASUREMENT).findMany({ filters: { code: { $in: ['DC1', 'DC2'] } }, sort: 'code:asc' });
    expect(rows.map((r) => [r.code, Number(r.amount), r.count, r.label])).toEqual([
      ['DC1', 1234.5, 7, 'A, with comma'],
      ['DC2', 48.86, 1000, 'B'],
    ]);

    const without = await importFile(app, token, { fileName: 'measures.csv', content: file.replace(/DC/g, 'DX'), options: { contentType: MEASUREMENT, matchBy: 'code' } });
    expect(without.status).toBe('failed');
    expect(without.error).toMatch(/^Stopped at item 1 \(line 2\): column "amount": "1\.234,5" is not a number/);
  });
});

describe('files that are not UTF-8, as spreadsheet programs save them', () => {
  /** Windows-1252 bytes of Latin-1 text with €, curly quotes and dashes (the bytes Excel writes on Windows). */
  const cp1252 = (text: string) =>
    Buffer.from([...text].map((char) => ({ '€': 0x80, '“': 0x93, '”': 0x94, '–': 0x96 })[char] ?? char.charCodeAt(0)));

  it('a CSV that Excel saved on Windows (Windows-1252, semicolons) with encoding windows-1252; refused without it, naming the option', async () => {
    const file = cp1252('code;label;note\r\nW1;Café crème;“5 €” – déjà\r\nW2;Übergrößen;ÆØÅ æøå\r\n');
    const without = await importFile(app, token, { fileName: 'excel.csv', content: file, options: { contentType: MEASUREMENT, matchBy: 'code' } });
    expect(without.status).toBe('failed');
    expect(without.error).toMatch(/are not UTF-8 text\. Save the file as UTF-8, or give its encoding \(the option encoding: "windows-1252"/);
    expect(await docs(MEASUREMENT).findMany({ filters: { code: { $in: ['W1', 'W2'] } } })).toEqual([]);

    const task = await importFile(app, token, { fileName: 'excel.csv', content: file, options: { contentType: MEASUREMENT, matchBy: 'code', encoding: 'windows-1252' } });
    expect(task).toMatchObject({ status: 'completed', counts: { created: 2 }, options: expect.objectContaining({ encoding: 'windows-1252' }) });
    const rows = await docs(MEASUREMENT).findMany({ filters: { code: { $in: ['W1', 'W2'] } }, sort: 'code:asc' });
    expect(rows.map((r) => [r.code, r.label, r.note])).toEqual([
      ['W1', 'Café crème', '“5 €” – déjà'],
      ['W2', 'Übergrößen', 'ÆØÅ æøå'],
    ]);
  });

  it("Excel's Unicode text (UTF-16 with its byte order mark, tabs) is read as such, with no option", async () => {
    const file = Buffer.from('\ufeffcode\tlabel\r\nU1\t東京 😀 Zoë\r\n', 'utf16le');
    const task = await importFile(app, token, { fileName: 'unicode.csv', content: file, options: { contentType: MEASUREMENT, matchBy: 'code' } });
    expect(task).toMatchObject({ status: 'completed', counts: { created: 1 }, options: expect.objectContaining({ encoding: 'utf-16le' }) });
    expect((await docs(MEASUREMENT).findFirst({ filters: { code: 'U1' } }))?.label).toBe('東京 😀 Zoë');
  });

  it('refuses an encoding for a workbook, and an unknown encoding, before any task', async () => {
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('m').addRows([['code'], ['X1']]);
    const xlsx = await postImport(app, token, { fileName: 'm.xlsx', content: Buffer.from(await workbook.xlsx.writeBuffer()), options: { contentType: MEASUREMENT, encoding: 'windows-1252' } });
    expect(xlsx.status).toBe(400);
    expect(xlsx.body.error.message).toMatch(/encoding applies to text files/);
    const unknown = await postImport(app, token, { fileName: 'm.csv', content: 'code\nX2\n', options: { contentType: MEASUREMENT, encoding: 'latin-9' } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/encoding must be one of utf-8, windows-1252, utf-16le, utf-16be/);
  });
});

describe('templates keep the spreadsheet settings', () => {
  it('an import template with decimalComma and ; runs an import named after it; an export template writes ; and a BOM', async () => {
    const created = await app
      .http()
      .post(`${BASE}/templates`)
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'Measurements from Excel (FR)', kind: 'import', contentType: MEASUREMENT, options: { matchBy: 'code', decimalComma: true, csvDelimiter: ';' } });
    expect(created.status).toBe(201);
    const task = await importFile(app, token, { fileName: 'mesures.csv', content: 'code;amount\r\nT1;2,5\r\n', options: { templateId: created.body.data.id } });
    expect(task).toMatchObject({ status: 'completed', name: 'Measurements from Excel (FR)', counts: { created: 1 } });
    expect(Number((await docs(MEASUREMENT).findFirst({ filters: { code: 'T1' } }))?.amount)).toBe(2.5);

    const exportTemplate = await app
      .http()
      .post(`${BASE}/templates`)
      .set('Authorization', `Bearer ${token}`)
      .send({ name: 'Measurements for Excel (FR)', kind: 'export', contentType: MEASUREMENT, options: { format: 'csv', fields: ['code', 'amount'], csvDelimiter: ';', csvBom: true, filters: { code: 'T1' } } });
    expect(exportTemplate.status).toBe(201);
    const { task: exported, text } = await exportFile(app, token, { templateId: exportTemplate.body.data.id });
    expect(exported.name).toBe('Measurements for Excel (FR)');
    expect(text).toMatch(/^\ufeffdocumentId;code;amount\r\n[a-z0-9]+;T1;2\.5\r\n$/);
  });
});

describe('XLSX', () => {
  const measurements = [
    { code: 'X1', label: '007', note: '=SUM(A1) stays text', count: 12, total: '9007199254740993', amount: 48.86, day: '2024-02-29', at: '2024-03-04T05:06:07.891Z', clock: '10:30:00.000' },
    { code: 'X2', label: '', note: null, count: null, total: null, amount: -0.5, day: '1850-01-01', at: null, clock: null },
  ];

  it('exports typed cells and round trips exactly: the export of the imported workbook equals the first', async () => {
    for (const data of measurements) await docs(MEASUREMENT).create({ data });
    const jsonBefore = await exportFile(app, token, { contentType: MEASUREMENT, format: 'jsonl', filters: { code: { $in: ['X1', 'X2'] } }, sort: 'code:asc' });
    const { task } = await exportFile(app, token, { contentType: MEASUREMENT, format: 'xlsx', filters: { code: { $in: ['X1', 'X2'] } }, sort: 'code:asc' });
    const file = await downloadBytes(app, token, `${BASE}/tasks/${task.id}/file`);
    expect(file.headers['content-type']).toMatch(/spreadsheetml/);
    expect(file.headers['content-disposition']).toMatch(/\.xlsx/);

    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const cell = (name: string) => sheet.getRow(2).getCell(header.indexOf(name) + 1).value;
    expect(cell('count')).toBe(12);
    expect(cell('amount')).toBe(48.86);
    expect(cell('label')).toBe('007');
    expect(cell('day')).toEqual(new Date('2024-02-29T00:00:00.000Z'));

    for (const code of ['X1', 'X2']) {
      const doc = await docs(MEASUREMENT).findFirst({ filters: { code } });
      await docs(MEASUREMENT).delete({ documentId: doc?.documentId });
    }
    const imported = await importFile(app, token, { fileName: 'measurements.xlsx', content: file.bytes, options: { contentType: MEASUREMENT } });
    expect(imported).toMatchObject({ status: 'completed', counts: { created: 2, failed: 0 } });
    const jsonAfter = await exportFile(app, token, { contentType: MEASUREMENT, format: 'jsonl', filters: { code: { $in: ['X1', 'X2'] } }, sort: 'code:asc' });
    expect(jsonAfter.text).toBe(jsonBefore.text);
  });

  it('imports a workbook an editor made: relations by code, a formula, decimal text, and refuses a broken file with a message', async () => {
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Ports');
    sheet.addRow(['name', 'code', 'country.code', 'countries.code']);
    sheet.addRow(['Naples', 'P20', 'IT', 'IT|FR']);
    sheet.addRow([{ formula: '"Mar"&"seille"', result: 'Marseille' }, 'P21', 'FR', null]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const task = await importFile(app, token, { fileName: 'ports.xlsx', content: bytes, options: { contentType: PORT, matchBy: 'code' } });
    expect(task).toMatchObject({ status: 'completed', counts: { created: 2, failed: 0 } });
    expect(await portRelations('P20')).toEqual({ country: 'IT', countries: ['FR', 'IT'] });
    expect((await docs(PORT).findFirst({ filters: { code: 'P21' } }))?.name).toBe('Marseille');

    // The import wizard's reading of the workbook (sent whole, as a file): format, fields and samples.
    const head = await app.http().post(`${BASE}/file-heads`).set('Authorization', `Bearer ${token}`).attach('file', bytes, 'ports.xlsx');
    expect(head.status).toBe(200);
    expect(head.body.data).toMatchObject({ format: 'xlsx', fields: ['name', 'code', 'country.code', 'countries.code'], itemCount: 2, error: null });
    expect(head.body.data.samples).toMatchObject({ name: 'Naples', 'countries.code': 'IT|FR' });
    const cut = await app.http().post(`${BASE}/file-heads`).set('Authorization', `Bearer ${token}`).attach('file', bytes.subarray(0, 300), 'ports.xlsx');
    expect(cut.body.data).toMatchObject({ format: 'xlsx', error: 'invalid' });
    expect(cut.body.data.message).toMatch(/not an XLSX workbook/);

    const broken = await postImport(app, token, { fileName: 'broken.xlsx', content: bytes.subarray(0, bytes.length - 100), options: { contentType: PORT, matchBy: 'code' } });
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(/^The file is not an XLSX workbook: not a readable zip file: .*truncated$/);
    expect(await app.http().get(`${BASE}/tasks`).set('Authorization', `Bearer ${token}`)).toHaveProperty('status', 200);
  });
});

import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { columnLetters, normalizeSpreadsheetXml } from './normalize';

/** The part rewritten, given in chunks of `size` bytes (every split of tags, attributes and characters). */
const normalize = (xml: string, { sheet = true, size = 0 } = {}) => {
  const bytes = Buffer.from(xml);
  const chunks =
    size > 0
      ? Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size))
      : [bytes];
  return text(Readable.from(chunks).pipe(normalizeSpreadsheetXml({ sheet })));
};

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';

describe('SpreadsheetML normalized for the reader', () => {
  it('names columns as a spreadsheet does', () => {
    expect([1, 2, 26, 27, 52, 53, 702, 703, 16384].map(columnLetters)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
      'XFD',
    ]);
  });

  it('leaves a part that needs nothing byte for byte as it is', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>é &amp; &lt;c&gt; 😀</t></is></c></row></sheetData></worksheet>`;
    expect(await normalize(xml)).toBe(xml);
  });

  it('drops the prefix of the main namespace (Open XML SDK) and declares it as the default', async () => {
    const xml = `<?xml version="1.0"?><x:worksheet xmlns:x="${MAIN}" xmlns:r="http://r"><x:sheetData><x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>`;
    expect(await normalize(xml)).toBe(
      `<?xml version="1.0"?><worksheet xmlns="${MAIN}" xmlns:r="http://r"><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></worksheet>`
    );
  });

  it('gives rows and cells without a reference the one that follows the row or cell before', async () => {
    const xml = `<worksheet xmlns="${MAIN}"><sheetData><row><c t="s"><v>0</v></c><c/><c r="E1"/><c/></row><row r="4"><c/></row><row><c r="B5"/><c/></row></sheetData></worksheet>`;
    expect(await normalize(xml)).toBe(
      `<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"/><c r="E1"/><c r="F1"/></row><row r="4"><c r="A4"/></row><row r="5"><c r="B5"/><c r="C5"/></row></sheetData></worksheet>`
    );
  });

  it('the same, whatever the chunks (every split position)', async () => {
    const xml = `<?xml version="1.0"?><!-- <row> in a comment --><x:worksheet xmlns:x='${MAIN}'><x:cols><x:col min="1" max="2"/></x:cols><x:sheetData><x:row spans="1:2"><x:c t="inlineStr"><x:is><x:t><![CDATA[<c>é]]></x:t></x:is></x:c><x:c s="1" a=">"><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>`;
    const whole = await normalize(xml);
    expect(whole).toBe(
      `<?xml version="1.0"?><!-- <row> in a comment --><worksheet xmlns='${MAIN}'><cols><col min="1" max="2"/></cols><sheetData><row r="1" spans="1:2"><c r="A1" t="inlineStr"><is><t><![CDATA[<c>é]]></t></is></c><c r="B1" s="1" a=">"><v>2</v></c></row></sheetData></worksheet>`
    );
    for (let size = 1; size <= 40; size += 1) expect(await normalize(xml, { size })).toBe(whole);
  });

  it('adds references only in worksheets, and keeps a prefix that is not the main namespace', async () => {
    const shared = `<sst xmlns="${MAIN}"><si><t>row</t></si></sst>`;
    expect(await normalize(shared, { sheet: false })).toBe(shared);
    const other = `<y:worksheet xmlns:y="http://other"><y:row/></y:worksheet>`;
    expect(await normalize(other, { sheet: false })).toBe(other);
  });

  it('never reads tags inside a comment or CDATA, even when a chunk ends inside it', async () => {
    const xml = `<worksheet xmlns="${MAIN}"><sheetData><!-- <row><c> --><row><c t="inlineStr"><is><t><![CDATA[<row><c>]]></t></is></c></row></sheetData></worksheet>`;
    const expected = `<worksheet xmlns="${MAIN}"><sheetData><!-- <row><c> --><row r="1"><c r="A1" t="inlineStr"><is><t><![CDATA[<row><c>]]></t></is></c></row></sheetData></worksheet>`;
    for (let size = 1; size <= xml.length; size += 1) expect(await normalize(xml, { size })).toBe(expected);
  });

  it('takes a lone < of malformed XML as text after a while, never holding the part in memory', async () => {
    const xml = `<worksheet xmlns="${MAIN}"><sheetData>a < b${'x'.repeat(
      3 * 1024 * 1024
    )}<row/></sheetData></worksheet>`;
    expect(await normalize(xml, { size: 65536 })).toBe(xml.replace('<row/>', '<row r="1"/>'));
  });

  it('passes a part cut inside a tag through, for the reader to refuse', async () => {
    expect(await normalize(`<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A`)).toBe(
      `<worksheet xmlns="${MAIN}"><sheetData><row r="1"><c r="A`
    );
  });
});

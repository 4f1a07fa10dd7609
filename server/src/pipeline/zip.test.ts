import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { buffer, text } from 'node:stream/consumers';
import { openZip, writeZip, ZipError, type ZipEntrySource } from './zip';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-zip-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const entries = (): ZipEntrySource[] => [
  { name: 'manifest.json', open: () => Buffer.from('{"bundleFormat":1}\n') },
  { name: 'content/api::article.article.jsonl', open: () => Readable.from(['{"title":"a"}\n', '{"title":"b"}\n']) },
  { name: 'media/abc.png', open: () => Buffer.alloc(100_000, 7) },
];

const saved = async (name: string, bytes: Buffer) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
};

/** A copy of `bytes` with every occurrence of the name `from` replaced by `to` (same length): a hostile zip. */
const renamed = (bytes: Buffer, from: string, to: string) => {
  const copy = Buffer.from(bytes);
  for (let at = copy.indexOf(from); at !== -1; at = copy.indexOf(from, at + 1)) copy.write(to, at, 'latin1');
  return copy;
};

describe('writeZip and openZip', () => {
  it('round-trips entries by name, in any order, as streams', async () => {
    const file = await saved('round.zip', await buffer(writeZip(entries())));
    const zip = await openZip(file, { maxEntries: 10 });
    try {
      expect(zip.entries.map((e) => e.name)).toEqual(['manifest.json', 'content/api::article.article.jsonl', 'media/abc.png']);
      expect(zip.entries[2].size).toBe(100_000);
      expect(await buffer(await zip.open('media/abc.png'))).toEqual(Buffer.alloc(100_000, 7));
      expect(await text(await zip.open('content/api::article.article.jsonl'))).toBe('{"title":"a"}\n{"title":"b"}\n');
      expect(await text(await zip.open('manifest.json'))).toBe('{"bundleFormat":1}\n');
      expect(zip.has('media/abc.png')).toBe(true);
      await expect(zip.open('nothing')).rejects.toThrow(ZipError);
    } finally {
      zip.close();
    }
  });

  it('writes the same bytes for the same entries, with a fixed DOS timestamp (1980-01-01 00:00)', async () => {
    const first = await buffer(writeZip(entries()));
    await new Promise((r) => setTimeout(r, 1100));
    const second = await buffer(writeZip(entries()));
    expect(second.equals(first)).toBe(true);
    // The first local file header: signature, version, flags, method, then time and date (little endian).
    expect(first.readUInt32LE(0)).toBe(0x04034b50);
    expect(first.readUInt16LE(10)).toBe(0);
    expect(first.readUInt16LE(12)).toBe((0 << 9) | (1 << 5) | 1);
  });

  it('opens an entry only when the zip reaches it', async () => {
    const opened: string[] = [];
    const lazy = ['a', 'b', 'c'].map((name) => ({
      name,
      open: () => {
        opened.push(name);
        return Readable.from([Buffer.alloc(200_000, name)]);
      },
    }));
    const output = writeZip(lazy);
    await new Promise((r) => setImmediate(r));
    // yazl opens the first entry at once; the others wait for the output to be read.
    expect(opened).not.toContain('b');
    expect(opened).not.toContain('c');
    await buffer(output);
    expect(opened).toEqual(['a', 'b', 'c']);
  });

  it('fails the output when an entry fails', async () => {
    const failing = [
      { name: 'ok', open: () => Buffer.from('x') },
      {
        name: 'broken',
        open: () =>
          new Readable({
            read() {
              this.destroy(new Error('the database went away'));
            },
          }),
      },
    ];
    await expect(buffer(writeZip(failing))).rejects.toThrow('the database went away');
  });

  it('refuses a file that is not a zip, a zip with too many entries, a name twice, and a name that climbs out', async () => {
    const notZip = await saved('not.zip', Buffer.from('{"title":"a"}\n'));
    await expect(openZip(notZip, { maxEntries: 10 })).rejects.toThrow(/not a readable zip file/);

    const many = await saved('many.zip', await buffer(writeZip(entries())));
    await expect(openZip(many, { maxEntries: 2 })).rejects.toThrow('the zip holds more than 2 entries (limits.maxZipEntries)');

    const pair = await buffer(writeZip([{ name: 'aa/x', open: () => Buffer.from('1') }, { name: 'bb/x', open: () => Buffer.from('2') }]));
    const twice = await saved('twice.zip', renamed(pair, 'bb/x', 'aa/x'));
    await expect(openZip(twice, { maxEntries: 10 })).rejects.toThrow('the zip holds "aa/x" twice');

    const climbing = await saved('climb.zip', renamed(pair, 'aa/x', '../x'));
    await expect(openZip(climbing, { maxEntries: 10 })).rejects.toThrow(ZipError);
    const absolute = await saved('absolute.zip', renamed(pair, 'aa/x', '/a/x'));
    await expect(openZip(absolute, { maxEntries: 10 })).rejects.toThrow(ZipError);
  });

  it('refuses an entry whose content does not match the size its directory declares', async () => {
    const bytes = await buffer(writeZip([{ name: 'big', open: () => Buffer.alloc(50_000, 1) }]));
    // The central directory's uncompressed size (offset 24 of its header) made smaller than the content.
    const central = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    const lying = Buffer.from(bytes);
    lying.writeUInt32LE(10, central + 24);
    const zip = await openZip(await saved('lying.zip', lying), { maxEntries: 10 });
    try {
      await expect(buffer(await zip.open('big'))).rejects.toThrow(/too many bytes|expected/);
    } finally {
      zip.close();
    }
  });
});

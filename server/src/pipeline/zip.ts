import { PassThrough, Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import * as yazl from 'yazl';

/**
 * A zip, written with yazl and read with yauzl (no zip code of our own): a bundle's (./bundle), and the clean copy
 * of a workbook the XLSX reader makes (./formats/xlsx).
 *
 * Written deterministically, so that the same data gives the same bytes and bundles diff well in version control:
 * entries in the order given, each with the same DOS timestamp (1980-01-01 00:00, built from local time parts so
 * that the bytes are the same in every time zone) and no extended timestamp field, the same mode and compression
 * level. Each entry's stream is opened only when the zip reaches it, so a bundle's types are read one after the
 * other, never all at once.
 *
 * Read from a file (a zip's directory is at its end): the directory is read once, then any entry is opened by name,
 * in any order, as a stream. yauzl refuses absolute names, `..` and backslashes (strictFileNames), and checks each
 * entry's size against the directory while it streams (validateEntrySizes).
 */

/** One entry to write: its name in the zip and its content, opened when the zip reaches it. */
export interface ZipEntrySource {
  name: string;
  open: () => Readable | Buffer;
}

const FIXED_TIME = new Date(1980, 0, 1, 0, 0, 0);
const ENTRY_OPTIONS = { mtime: FIXED_TIME, mode: 0o100644, compress: true, compressionLevel: 6, forceDosTimestamp: true };

/** The zip of `entries`, as a stream; an entry whose content fails makes the stream fail with that error. */
export const writeZip = (entries: Iterable<ZipEntrySource>): Readable => {
  const zip = new yazl.ZipFile();
  const output = new PassThrough();
  const fail = (error: Error) => output.destroy(error);
  for (const entry of entries) {
    zip.addReadStreamLazy(entry.name, ENTRY_OPTIONS, (callback) => {
      try {
        const content = entry.open();
        const stream = Buffer.isBuffer(content) ? Readable.from([content]) : content;
        stream.once('error', fail);
        callback(null, stream);
      } catch (error) {
        fail(error as Error);
      }
    });
  }
  zip.end();
  zip.outputStream.on('error', fail).pipe(output);
  return output;
};

/** An entry of a zip being read. */
export interface ZipEntryInfo {
  name: string;
  /** Uncompressed size, as the zip's directory declares it (checked while the entry streams). */
  size: number;
}

export interface ZipReader {
  /** The file entries (directories left out), in the zip's order. */
  entries: ZipEntryInfo[];
  has(name: string): boolean;
  /** The entry's content, decompressed, as a stream. */
  open(name: string): Promise<Readable>;
  close(): void;
}

/** Why a file is not a zip the center can read: a 400 for the user, naming the limit or yauzl's reason. */
export class ZipError extends Error {}

export interface ZipLimits {
  /** The most entries a zip may hold (a zip of many tiny entries costs memory for its directory). */
  maxEntries: number;
}

const openFile = (path: string) =>
  new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: true, validateEntrySizes: true }, (error, zip) =>
      error ? reject(new ZipError(`not a readable zip file: ${error.message}`)) : resolve(zip)
    );
  });

/** Opens the zip at `path` and reads its directory. */
export const openZip = async (path: string, { maxEntries }: ZipLimits): Promise<ZipReader> => {
  const zip = await openFile(path);
  const byName = new Map<string, yauzl.Entry>();
  try {
    await new Promise<void>((resolve, reject) => {
      zip.on('entry', (entry: yauzl.Entry) => {
        if (byName.size >= maxEntries) {
          reject(new ZipError(`the zip holds more than ${maxEntries} entries (limits.maxZipEntries)`));
          return;
        }
        if (!entry.fileName.endsWith('/')) {
          if (byName.has(entry.fileName)) {
            reject(new ZipError(`the zip holds "${entry.fileName}" twice`));
            return;
          }
          byName.set(entry.fileName, entry);
        }
        zip.readEntry();
      });
      zip.once('end', () => resolve());
      zip.once('error', (error: Error) => reject(new ZipError(`not a readable zip file: ${error.message}`)));
      zip.readEntry();
    });
  } catch (error) {
    zip.close();
    throw error;
  }
  return {
    entries: [...byName.values()].map((entry) => ({ name: entry.fileName, size: entry.uncompressedSize })),
    has: (name) => byName.has(name),
    async open(name) {
      const entry = byName.get(name);
      if (!entry) throw new ZipError(`the zip holds no "${name}"`);
      try {
        return await zip.openReadStreamPromise(entry);
      } catch (error) {
        throw new ZipError(`"${name}" cannot be read: ${(error as Error).message}`);
      }
    },
    close: () => zip.close(),
  };
};

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { atomicFileWriteStream } from './local';
import { assertKey, folderOf } from './keys';

describe('atomicFileWriteStream', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-atomic-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes under a temporary name and renames when the stream finishes', async () => {
    const file = path.join(dir, 'tasks/a/export.jsonl');
    const out = atomicFileWriteStream(file);
    await new Promise<void>((resolve) => out.write('{"a":1}\n', () => resolve()));
    expect(fs.existsSync(file)).toBe(false);
    expect(fs.readdirSync(path.dirname(file))).toEqual([expect.stringMatching(/^export\.jsonl\.[0-9a-f]{8}\.partial$/)]);
    await new Promise<void>((resolve) => out.end('{"a":2}\n', resolve));
    expect(fs.readFileSync(file, 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['export.jsonl']);
  });

  it('a failed pipeline leaves neither the file nor its temporary file, and keeps an older file as it was', async () => {
    const file = path.join(dir, 'tasks/b/export.json');
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, 'the previous file');
    async function* failing() {
      yield '[{"a":1},';
      throw new Error('The database went away');
    }
    const out = atomicFileWriteStream(file);
    const closed = new Promise((resolve) => out.once('close', resolve)); // the temporary file is removed before 'close'
    await expect(pipeline(Readable.from(failing()), out)).rejects.toThrow('The database went away');
    await closed;
    expect(fs.readdirSync(path.dirname(file))).toEqual(['export.json']);
    expect(fs.readFileSync(file, 'utf8')).toBe('the previous file');
  });

  it('an aborted pipeline (a cancel) leaves no file', async () => {
    const file = path.join(dir, 'tasks/c/export.csv');
    const controller = new AbortController();
    async function* slow() {
      yield 'a,b\n';
      controller.abort(new Error('Cancelled'));
      await new Promise((resolve) => setTimeout(resolve, 10));
      yield '1,2\n';
    }
    const out = atomicFileWriteStream(file);
    const closed = new Promise((resolve) => out.once('close', resolve));
    await expect(pipeline(Readable.from(slow()), out, { signal: controller.signal })).rejects.toThrow();
    await closed;
    expect(fs.readdirSync(path.dirname(file))).toEqual([]);
  });
});

describe('storage keys', () => {
  it('accepts the keys the plugin makes and refuses anything else', () => {
    expect(assertKey('tasks/0b6c-41/upload.jsonl')).toBe('tasks/0b6c-41/upload.jsonl');
    for (const bad of ['../etc/passwd', 'tasks/../x', '/abs', 'tasks//x', 'tasks/./x', 'Tasks/x', '']) {
      expect(() => assertKey(bad)).toThrow(`Invalid storage key "${bad}"`);
    }
  });

  it('folderOf gives the task folder of a key', () => {
    expect(folderOf('tasks/0b6c/upload.jsonl')).toBe('tasks/0b6c');
    expect(folderOf('tasks/0b6c/errors.jsonl')).toBe('tasks/0b6c');
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PreImageRecorder, readPreImages } from './pre-images';

/** The recorder's file across a resume: cut back to what the committed batches wrote, their documents remembered. */

const models = { metadataOf: () => undefined, all: () => [] };
const line = (t: 'created' | 'after', documentId: string) => `${JSON.stringify({ t, uid: 'api::tag.tag', documentId, ...(t === 'after' ? { hash: 'h' } : {}) })}\n`;

test('a new import starts an empty file; a resume cuts it back to the checkpoint and remembers its documents', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dmc-pre-images-'));
  const file = path.join(dir, 'pre-images.jsonl');
  try {
    fs.writeFileSync(file, 'left over\n');
    const fresh = await PreImageRecorder.open(file, models, null);
    expect(fs.readFileSync(file, 'utf8')).toBe('');
    expect(fresh.documents).toBe(0);

    const committed = line('created', 'a') + line('after', 'a') + line('created', 'b');
    fs.writeFileSync(file, committed + line('created', 'rolled-back'));
    const resumed = await PreImageRecorder.open(file, models, Buffer.byteLength(committed));
    expect(resumed.documents).toBe(2);
    expect(resumed.bytes).toBe(Buffer.byteLength(committed));
    const ids: string[] = [];
    for await (const entry of readPreImages(file)) ids.push(`${entry.t}:${entry.documentId}`);
    expect(ids).toEqual(['created:a', 'after:a', 'created:b']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

import type { FormatWriter } from './types';

/**
 * A format's `write` from its text writer: one chunk of bytes per page (not per item), so an export's stream sees
 * a few large writes.
 */
export async function* writeText(
  writer: FormatWriter,
  pages: AsyncIterable<Array<Record<string, unknown>>>
): AsyncGenerator<Uint8Array> {
  const begin = writer.begin();
  if (begin !== '') yield Buffer.from(begin);
  for await (const page of pages) {
    const text = writer.items ? writer.items(page) : page.map((item) => writer.item(item)).join('');
    if (text !== '') yield Buffer.from(text);
  }
  const end = writer.end();
  if (end !== '') yield Buffer.from(end);
}

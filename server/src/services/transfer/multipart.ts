import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';

/**
 * A multipart/form-data body (RFC 7578) produced as a stream: a file part is read from its stream as the request is
 * sent, never held whole in memory. Written here rather than taken from `form-data`: Node's own fetch sends an async
 * iterable body (`duplex: 'half'`), and these twenty lines are all the format needs for text fields and one file.
 */

export type MultipartPart =
  | { name: string; value: string }
  | { name: string; fileName: string; contentType: string; content: Readable };

const quoted = (text: string) => text.replace(/[\r\n"\\]/g, (c) => encodeURIComponent(c));

export const createMultipart = (parts: MultipartPart[]) => {
  const boundary = `----dmc${randomBytes(16).toString('hex')}`;
  async function* body(): AsyncGenerator<Buffer> {
    for (const part of parts) {
      if ('value' in part) {
        yield Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(part.name)}"\r\n\r\n${part.value}\r\n`, 'utf8');
        continue;
      }
      yield Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${quoted(part.name)}"; filename="${quoted(part.fileName)}"\r\n` +
          `Content-Type: ${part.contentType}\r\n\r\n`,
        'utf8'
      );
      for await (const chunk of part.content) yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      yield Buffer.from('\r\n', 'utf8');
    }
    yield Buffer.from(`--${boundary}--\r\n`, 'utf8');
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, body };
};

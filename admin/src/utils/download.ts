import { readBlobText } from './blob';

/**
 * Saving a file the browser fetched itself: downloads need the admin's token, so a plain link cannot do; the
 * file is fetched as a Blob and handed to the browser through an object URL.
 */

/** The file name of a `Content-Disposition` header (`filename*=UTF-8''...` first, then `filename="..."`). */
export const fileNameFromDisposition = (header: string | null | undefined): string | null => {
  if (!header) return null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (extended) {
    try {
      return decodeURIComponent(extended[1].trim().replace(/^"|"$/g, ''));
    } catch {
      // a malformed encoding: fall back to the plain name
    }
  }
  const plain = /filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]+)/.exec(header);
  if (!plain) return null;
  const name = plain[2] !== undefined ? plain[2].replace(/\\(.)/g, '$1') : plain[1].trim();
  return name || null;
};

/** Hands a Blob to the browser as a download named `fileName`. */
export const saveBlob = (blob: Blob, fileName: string) => {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Let the browser start the download before the URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
};

/** The message of an error answer that came back as a Blob (Strapi's `{ error: { message } }` JSON). */
export const errorMessageOfBlob = async (blob: Blob): Promise<string | null> => {
  try {
    const body: unknown = JSON.parse(await readBlobText(blob));
    if (typeof body === 'object' && body !== null && 'error' in body) {
      const { error } = body as { error?: { message?: unknown } };
      if (typeof error?.message === 'string') return error.message;
    }
  } catch {
    // not JSON: no message to show
  }
  return null;
};

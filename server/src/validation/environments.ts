import { RemoteError, serverUrl } from '../services/transfer/remote';
import { fieldError } from './import-options';

/**
 * An environment's fields, checked one by one (400 naming the field): the name (1-255 characters), the server's
 * URL (what push and pull accept: http(s), no query), and the API token (required on create; on update an absent or
 * empty token keeps the stored one).
 */

const plainObject = (body: unknown, what: string): Record<string, unknown> => {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw fieldError('body', `${what} must be a JSON object`);
  return body as Record<string, unknown>;
};

const nameOf = (raw: unknown): string => {
  const name = typeof raw === 'string' ? raw.trim() : '';
  if (!name) throw fieldError('name', 'name is required: a name for the environment, such as "Staging"');
  if (name.length > 255) throw fieldError('name', 'name must be at most 255 characters');
  return name;
};

const urlOf = (raw: unknown): string => {
  if (typeof raw !== 'string' || !raw.trim()) throw fieldError('url', 'url is required: the Strapi server\'s address, such as https://staging.example.com');
  try {
    return serverUrl(raw.trim());
  } catch (error) {
    if (error instanceof RemoteError) throw fieldError('url', `url: ${error.message}`);
    throw error;
  }
};

const tokenOf = (raw: unknown): string => {
  if (typeof raw !== 'string' || !raw.trim()) throw fieldError('token', 'token is required: an API token of that instance (Settings → API Tokens there)');
  if (raw.length > 2000) throw fieldError('token', 'token must be at most 2000 characters');
  return raw.trim();
};

const unknownFields = (body: Record<string, unknown>, allowed: string[]) => {
  const extra = Object.keys(body).filter((key) => !allowed.includes(key));
  if (extra.length > 0) throw fieldError(extra[0], `${extra[0]} is not a field of an environment (name, url, token)`);
};

export const validateCreateEnvironment = (raw: unknown): { name: string; url: string; token: string } => {
  const body = plainObject(raw, 'an environment');
  unknownFields(body, ['name', 'url', 'token']);
  return { name: nameOf(body.name), url: urlOf(body.url), token: tokenOf(body.token) };
};

export const validateUpdateEnvironment = (raw: unknown): { name?: string; url?: string; token?: string } => {
  const body = plainObject(raw, 'an environment');
  unknownFields(body, ['name', 'url', 'token']);
  return {
    ...(body.name !== undefined ? { name: nameOf(body.name) } : {}),
    ...(body.url !== undefined ? { url: urlOf(body.url) } : {}),
    ...(body.token !== undefined && body.token !== null && body.token !== '' ? { token: tokenOf(body.token) } : {}),
  };
};

const optionsOf = (raw: unknown, field: string): Record<string, unknown> => {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw fieldError(field, `${field} must be an object`);
  return raw as Record<string, unknown>;
};

/** POST /tasks/:id/send: `{ environmentId, options? }`. */
export const validateSendBody = (raw: unknown): { environmentId: number; options: Record<string, unknown> } => {
  const body = plainObject(raw, 'the request');
  const id = typeof body.environmentId === 'string' && /^\d{1,15}$/.test(body.environmentId) ? Number(body.environmentId) : body.environmentId;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) throw fieldError('environmentId', 'environmentId must be the id of a saved environment');
  return { environmentId: id, options: optionsOf(body.options, 'options') };
};

/** POST /environments/:id/fetch: `{ bundle, options? }`. */
export const validateFetchBody = (raw: unknown): { bundle: Record<string, unknown>; options: Record<string, unknown> } => {
  const body = plainObject(raw, 'the request');
  if (body.bundle === undefined) throw fieldError('bundle', 'bundle is required: the bundle export\'s options there ({ contentTypes, withDependencies, media })');
  return { bundle: optionsOf(body.bundle, 'bundle'), options: optionsOf(body.options, 'options') };
};

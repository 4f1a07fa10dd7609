import { validateCreateEnvironment, validateFetchBody, validateSendBody, validateUpdateEnvironment } from './environments';

/** The field a validation error names. */
const fieldOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { details?: { errors?: Array<{ path: string[] }> } }).details?.errors?.[0]?.path[0];
  }
  return undefined;
};

describe('environment bodies', () => {
  test('a valid environment: trimmed, the URL without its trailing slash or /api', () => {
    expect(validateCreateEnvironment({ name: ' Staging ', url: 'https://staging.example.com/api/', token: ' abc ' })).toEqual({
      name: 'Staging',
      url: 'https://staging.example.com',
      token: 'abc',
    });
  });

  test.each([
    [{ url: 'https://a.example', token: 't' }, 'name'],
    [{ name: 'x'.repeat(256), url: 'https://a.example', token: 't' }, 'name'],
    [{ name: 'A', url: 'a.example', token: 't' }, 'url'],
    [{ name: 'A', url: 'https://a.example?x=1', token: 't' }, 'url'],
    [{ name: 'A', url: 'https://a.example', token: '  ' }, 'token'],
    [{ name: 'A', url: 'https://a.example', token: 't', secret: 1 }, 'secret'],
  ])('%j is refused naming %s', (body, field) => {
    expect(fieldOf(() => validateCreateEnvironment(body))).toBe(field);
  });

  test('an update keeps the token when it is absent, null or empty', () => {
    expect(validateUpdateEnvironment({ name: 'B', token: '' })).toEqual({ name: 'B' });
    expect(validateUpdateEnvironment({ token: null })).toEqual({});
    expect(validateUpdateEnvironment({ token: 'new' })).toEqual({ token: 'new' });
    expect(fieldOf(() => validateUpdateEnvironment({ url: 'ftp://a.example' }))).toBe('url');
  });

  test('send and fetch bodies', () => {
    expect(validateSendBody({ environmentId: '4', options: { dryRun: true } })).toEqual({ environmentId: 4, options: { dryRun: true } });
    expect(fieldOf(() => validateSendBody({ environmentId: 0 }))).toBe('environmentId');
    expect(fieldOf(() => validateSendBody({ environmentId: 1, options: [1] }))).toBe('options');
    expect(validateFetchBody({ bundle: { contentTypes: 'all' } })).toEqual({ bundle: { contentTypes: 'all' }, options: {} });
    expect(fieldOf(() => validateFetchBody({}))).toBe('bundle');
  });
});

import '@testing-library/jest-dom';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ResolvedBundleImportOptions } from '../../../shared/contracts';
import { answerGets, task } from '../testing/fixtures';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { resetFetchClient, setFetchClient } from '../testing/strapiAdmin';
import { BundleImportPage, buildBundleImportOptions } from './BundleImportPage';

jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));

beforeAll(polyfillDom);
beforeEach(resetFetchClient);

const ARTICLE = 'api::article.article';
const CONTACT = 'api::contact.contact';

const options: ResolvedBundleImportOptions = {
  onError: 'stop',
  dryRun: true,
  name: 'Import staging.zip',
  source: 'staging',
  createdAt: '2026-12-01T00:00:00.000Z',
  types: [
    { contentType: CONTACT, importStrategy: 'upsert', updateStrategy: 'patch', matchBy: 'documentId', status: null, count: 2, published: null },
    { contentType: ARTICLE, importStrategy: 'upsert', updateStrategy: 'patch', matchBy: 'documentId', status: 'draft', count: 3, published: 1 },
  ],
};

const preview = task({
  kind: 'bundle-import',
  name: 'Import staging.zip',
  status: 'completed',
  options,
  typeCounts: [
    { contentType: CONTACT, processed: 2, created: 2, updated: 0, skipped: 0, failed: 0 },
    { contentType: ARTICLE, processed: 4, created: 3, updated: 1, skipped: 0, failed: 0 },
  ],
});

/** The FormData the page posted: its options, as JSON. */
const optionsOf = (body: unknown) => JSON.parse((body as FormData).get('options') as string);

const setup = (answer: (url: unknown, body?: unknown) => Promise<unknown>) => {
  const post = jest.fn(answer);
  setFetchClient({ get: answerGets(), post });
  const user = userEvent.setup();
  renderWithProviders(<BundleImportPage />, { route: '/bundle-import' });
  return { post, user };
};

const upload = async (user: ReturnType<typeof userEvent.setup>) =>
  user.upload(await screen.findByTestId('import-file-input'), new File([new Uint8Array([0x50, 0x4b, 3, 4])], 'staging.zip', { type: 'application/zip' }));

describe('BundleImportPage', () => {
  it('asks for the zip first', async () => {
    const { post, user } = setup(async () => ({ data: { data: preview } }));
    await user.click(await screen.findByRole('button', { name: 'Preview' }));
    expect(await screen.findByText('Choose a bundle (.zip).')).toBeInTheDocument();
    expect(post).not.toHaveBeenCalled();
  });

  it('previews as a dry run (counts per type), lets a type be matched by another key, then imports with it', async () => {
    const { post, user } = setup(async (_url, body) => ({
      data: { data: optionsOf(body).dryRun ? preview : task({ kind: 'bundle-import', name: 'Import staging.zip', status: 'queued' }) },
    }));
    await upload(user);
    await user.click(screen.getByRole('button', { name: 'Preview' }));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    expect(post.mock.calls[0][0]).toBe('/data-migration-center/bundle-imports');
    expect(optionsOf(post.mock.calls[0][1])).toEqual({ onError: 'stop', dryRun: true });

    const row = (await screen.findByText('Article')).closest('tr') as HTMLElement;
    expect(within(row).getAllByText('3').length).toBeGreaterThan(0); // would create
    await user.click(within(row).getByRole('combobox', { name: 'Match Article by' }));
    await user.click(await screen.findByRole('option', { name: 'slug' }));

    await user.click(screen.getByRole('button', { name: 'Import' }));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(2));
    expect(optionsOf(post.mock.calls[1][1])).toEqual({ onError: 'stop', types: { [ARTICLE]: { matchBy: 'slug' } } });
    expect(await screen.findByText('Import: Import staging.zip')).toBeInTheDocument();
  });

  it('lists each problem of a bundle that does not fit, and offers its definitions', async () => {
    const refusal = {
      response: {
        status: 400,
        data: {
          error: {
            status: 400,
            name: 'ValidationError',
            message:
              'The bundle does not fit this app (nothing was imported): api::event.event: no such content type here. The bundle carries its definitions: apply them in development mode',
            details: { errors: [{ path: ['types', 'api::event.event'], message: 'api::event.event: no such content type here' }] },
          },
        },
      },
    };
    const { post, user } = setup(async (url) => {
      if (String(url).endsWith('/bundle-definitions')) {
        return { data: { data: { applied: false, changes: [{ uid: 'api::event.event', modelType: 'contentType', action: 'create', added: ['title'], changed: [], kept: [], settingsChanged: false }] } } };
      }
      throw refusal;
    });
    await upload(user);
    await user.click(screen.getByRole('button', { name: 'Preview' }));
    expect(await screen.findByText('The bundle cannot be imported here (nothing was written):')).toBeInTheDocument();
    expect(screen.getByText('api::event.event: no such content type here')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Check definitions' }));
    expect(await screen.findByText('api::event.event: new (attributes: title)')).toBeInTheDocument();
    expect(post.mock.calls[1][0]).toBe('/data-migration-center/bundle-definitions');
    expect(optionsOf(post.mock.calls[1][1])).toEqual({ dryRun: true });
  });
});

describe('buildBundleImportOptions', () => {
  it('sends only the types given a setting', () => {
    expect(buildBundleImportOptions('continue', { [ARTICLE]: {}, [CONTACT]: { importStrategy: 'skip-existing' } }, false)).toEqual({
      onError: 'continue',
      types: { [CONTACT]: { importStrategy: 'skip-existing' } },
    });
  });

  it('sends lifecycles run for the whole bundle when asked, nothing otherwise', () => {
    expect(buildBundleImportOptions('stop', {}, false, true)).toEqual({ onError: 'stop', lifecycles: 'run' });
    expect(buildBundleImportOptions('stop', {}, true)).toEqual({ onError: 'stop', dryRun: true });
  });
});

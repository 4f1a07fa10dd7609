import '@testing-library/jest-dom';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Environment } from '../../../shared/contracts';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { notifications, resetFetchClient, setFetchClient } from '../testing/strapiAdmin';
import { EnvironmentsTab } from './EnvironmentsTab';

jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));

beforeAll(polyfillDom);
beforeEach(resetFetchClient);

const environment = (extra: Partial<Environment> = {}): Environment => ({
  id: 1,
  name: 'Staging',
  url: 'https://staging.example.com',
  hasToken: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...extra,
});

/** A refusal as the fetch client throws it (Strapi's `{ error }` body). */
const refusal = (status: number, message: string, path?: string) => ({
  response: { status, data: { error: { status, message, details: path ? { errors: [{ path: [path], message }] } : {} } } },
});

const setup = ({ list = [environment(), environment({ id: 2, name: 'Production', url: 'https://cms.example.com' })], adding = false } = {}) => {
  const get = jest.fn(async (url: unknown) => {
    if (url === '/data-migration-center/environments') return { data: { data: list } };
    throw new Error(`unexpected GET ${String(url)}`);
  });
  const post = jest.fn(async (url: unknown, _body?: unknown): Promise<unknown> => {
    if (url === '/data-migration-center/environments/1/check') return { data: { data: { ok: true, version: '1.4.0', bundleFormat: 1 } } };
    if (url === '/data-migration-center/environments/2/check') throw refusal(400, 'https://cms.example.com refused the API token (401): check the token');
    throw new Error(`unexpected POST ${String(url)}`);
  });
  const put = jest.fn(async (_url: unknown, _body?: unknown) => ({ data: { data: environment({ name: 'Staging 2' }) } }));
  const del = jest.fn(async (_url: unknown) => ({ data: { data: environment() } }));
  setFetchClient({ get, post, put, del });
  const onAddingChange = jest.fn();
  renderWithProviders(<EnvironmentsTab adding={adding} onAddingChange={onAddingChange} />);
  return { get, post, put, del, onAddingChange, user: userEvent.setup() };
};

const rowOf = async (name: string) => (await screen.findByText(name)).closest('tr') as HTMLElement;

describe('EnvironmentsTab', () => {
  it('lists the environments without any token, and checks a connection: the version, or the reason', async () => {
    const { post, user } = setup();
    const staging = await rowOf('Staging');
    expect(within(staging).getByText('https://staging.example.com')).toBeInTheDocument();
    await user.click(within(staging).getByRole('button', { name: 'Check connection' }));
    expect(post).toHaveBeenCalledWith('/data-migration-center/environments/1/check');
    expect(await within(staging).findByText('Connected: Data Migration Center 1.4.0, bundle format 1')).toBeInTheDocument();

    const production = await rowOf('Production');
    await user.click(within(production).getByRole('button', { name: 'Check connection' }));
    expect(await within(production).findByRole('alert')).toHaveTextContent('refused the API token (401)');
  });

  it('adds an environment: name, URL and token (a password field); a refusal shows under the field it names', async () => {
    const { user } = setup({ adding: true });
    const post = jest.fn(async (_url: unknown, _body?: unknown): Promise<unknown> => {
      throw refusal(400, 'url: "staging" is not a URL', 'url');
    });
    setFetchClient({ post });
    const dialog = await screen.findByRole('dialog');
    const token = within(dialog).getByLabelText(/API token/);
    expect(token).toHaveAttribute('type', 'password');
    await user.type(within(dialog).getByLabelText(/^Name/), 'QA');
    await user.type(within(dialog).getByLabelText(/URL of the Strapi server/), 'staging');
    await user.type(token, 'secret-token');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(post).toHaveBeenCalledWith('/data-migration-center/environments', { name: 'QA', url: 'staging', token: 'secret-token' });
    expect(await within(dialog).findByText('url: "staging" is not a URL')).toBeInTheDocument();
  });

  it('edits an environment: an empty token is not sent (the stored one is kept)', async () => {
    const { put, user } = setup();
    await user.click(within(await rowOf('Staging')).getByRole('button', { name: 'Edit Staging' }));
    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByLabelText(/API token/)).toHaveValue('');
    expect(within(dialog).getByText(/Leave empty to keep the stored token/)).toBeInTheDocument();
    await user.type(within(dialog).getByLabelText(/^Name/), ' 2');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(put).toHaveBeenCalledWith('/data-migration-center/environments/1', { name: 'Staging 2', url: 'https://staging.example.com' });
    await waitFor(() => expect(notifications).toContainEqual({ type: 'success', message: 'Environment "Staging 2" saved.' }));
  });

  it('deletes an environment after a confirmation', async () => {
    const { del, user } = setup();
    await user.click(within(await rowOf('Staging')).getByRole('button', { name: 'Delete Staging' }));
    await user.click(await screen.findByRole('button', { name: 'Confirm' }));
    expect(del).toHaveBeenCalledWith('/data-migration-center/environments/1');
  });

  it('says how to start when there is none', async () => {
    setup({ list: [] });
    expect(await screen.findByText(/No environments yet/)).toBeInTheDocument();
  });
});

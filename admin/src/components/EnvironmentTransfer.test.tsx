import '@testing-library/jest-dom';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Environment, Task } from '../../../shared/contracts';
import type { Permissions } from '../hooks/usePermissions';
import { contentTypes, task } from '../testing/fixtures';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { resetFetchClient, setFetchClient } from '../testing/strapiAdmin';
import { FetchFromEnvironmentModal, SendToEnvironmentModal } from './EnvironmentTransfer';
import { TaskActions } from './TaskActions';

jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));

beforeAll(polyfillDom);
beforeEach(resetFetchClient);

const staging: Environment = { id: 3, name: 'Staging', url: 'https://staging.example.com', hasToken: true, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
const exported = task({ id: 7, kind: 'bundle-export', name: 'Articles bundle', status: 'completed', contentType: '', fileName: 'articles.zip' });
const listing = async (url: unknown) => {
  if (url === '/data-migration-center/environments') return { data: { data: [staging] } };
  throw new Error(`unexpected GET ${String(url)}`);
};

const chooseStaging = async (user: ReturnType<typeof userEvent.setup>) => {
  await user.click(await screen.findByRole('combobox', { name: /Environment/ }));
  await user.click(await screen.findByRole('option', { name: 'Staging (https://staging.example.com)' }));
};

describe('Send to environment', () => {
  it('sends the bundle with the import options, then follows the other instance task to its counts', async () => {
    const remote = (extra: Partial<Task>) => task({ id: 55, kind: 'bundle-import', name: 'articles.zip', ...extra });
    let polls = 0;
    const get = jest.fn(async (url: unknown) => {
      if (url === '/data-migration-center/environments/3/tasks/55') {
        polls += 1;
        return { data: { data: remote({ status: 'completed', counts: { total: 4, processed: 4, created: 3, updated: 1, skipped: 0, failed: 0 } }) } };
      }
      return listing(url);
    });
    const post = jest.fn(async (_url: unknown, _body?: unknown) => ({ data: { data: { environmentId: 3, remoteTask: remote({ status: 'queued' }) } } }));
    setFetchClient({ get, post });
    const user = userEvent.setup();
    renderWithProviders(<SendToEnvironmentModal task={exported} onClose={() => undefined} />);

    await user.click(await screen.findByRole('button', { name: 'Send' }));
    expect(await screen.findByText('Choose an environment.')).toBeInTheDocument();
    expect(post).not.toHaveBeenCalled();

    await chooseStaging(user);
    await user.click(screen.getByRole('checkbox', { name: /Dry run/ }));
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(post).toHaveBeenCalledWith('/data-migration-center/tasks/7/send', { environmentId: 3, options: { onError: 'stop', dryRun: true } });
    expect(await screen.findByText('Bundle import #55 on Staging')).toBeInTheDocument();
    await waitFor(() => expect(screen.getByText('3 created')).toBeInTheDocument(), { timeout: 4000 });
    expect(screen.getByText('1 updated')).toBeInTheDocument();
    expect(polls).toBe(1);
  });

  it('shows why the other instance refused, nothing sent', async () => {
    const post = jest.fn(async (_url: unknown, _body?: unknown): Promise<unknown> => {
      throw { response: { status: 400, data: { error: { status: 400, message: 'https://staging.example.com refused the API token (401): check the token' } } } };
    });
    setFetchClient({ get: listing, post });
    const user = userEvent.setup();
    renderWithProviders(<SendToEnvironmentModal task={exported} onClose={() => undefined} />);
    await chooseStaging(user);
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByText(/refused the API token \(401\)/)).toHaveAttribute('role', 'alert');
  });

  it('is offered in the task menu of a completed bundle export, only with the environments action', async () => {
    const all: Permissions = { isLoading: false, canRead: true, canImport: true, canExport: true, canManageTemplates: true, canManageEnvironments: true };
    const onSend = jest.fn();
    const user = userEvent.setup();
    const { unmount } = renderWithProviders(
      <TaskActions task={exported} permissions={all} onCancel={jest.fn()} onDelete={jest.fn()} onSaveAsTemplate={jest.fn()} onSendToEnvironment={onSend} />
    );
    await user.click(screen.getByRole('button', { name: 'Actions for Articles bundle' }));
    await user.click(await screen.findByRole('menuitem', { name: 'Send to environment' }));
    expect(onSend).toHaveBeenCalledWith(exported);
    unmount();

    renderWithProviders(
      <TaskActions task={exported} permissions={{ ...all, canManageEnvironments: false }} onCancel={jest.fn()} onDelete={jest.fn()} onSaveAsTemplate={jest.fn()} onSendToEnvironment={onSend} />
    );
    await user.click(screen.getByRole('button', { name: 'Actions for Articles bundle' }));
    expect(await screen.findByRole('menuitem', { name: 'Download file' })).toBeInTheDocument();
    expect(screen.queryByRole('menuitem', { name: 'Send to environment' })).not.toBeInTheDocument();
  });
});

describe('Fetch from environment', () => {
  it('asks the other instance for a bundle of the chosen types and hands over the local import', async () => {
    const local = task({ id: 90, kind: 'bundle-import', status: 'queued' });
    const post = jest.fn(async (_url: unknown, _body?: unknown) => ({ data: { data: local } }));
    setFetchClient({ get: listing, post });
    const onStarted = jest.fn();
    const user = userEvent.setup();
    renderWithProviders(<FetchFromEnvironmentModal open contentTypes={contentTypes} onClose={() => undefined} onStarted={onStarted} />);

    await chooseStaging(user);
    await user.click(screen.getByRole('button', { name: 'Fetch and import' }));
    expect(await screen.findByText('Choose at least one content type.')).toBeInTheDocument();
    expect(post).not.toHaveBeenCalled();

    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('checkbox', { name: contentTypes[0].displayName }));
    await user.click(within(dialog).getByRole('checkbox', { name: /Media files/ }));
    await user.click(within(dialog).getByRole('button', { name: 'Fetch and import' }));
    expect(post).toHaveBeenCalledWith('/data-migration-center/environments/3/fetch', {
      bundle: { contentTypes: [contentTypes[0].uid], withDependencies: true, media: true },
      options: { onError: 'stop' },
    });
    await waitFor(() => expect(onStarted).toHaveBeenCalledWith(local));
  });
});

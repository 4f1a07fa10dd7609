import '@testing-library/jest-dom';
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Task } from '../../../shared/contracts';
import type { Permissions } from '../hooks/usePermissions';
import { POLL_INTERVAL_MS } from '../hooks/useTasks';
import { contentTypes, task } from '../testing/fixtures';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { notifications, resetFetchClient, setFetchClient } from '../testing/strapiAdmin';
import { TasksTab } from './TasksTab';

jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));

beforeAll(polyfillDom);
beforeEach(resetFetchClient);

const ALL: Permissions = { isLoading: false, canRead: true, canImport: true, canExport: true, canManageTemplates: true };

const tasks = [
  task({
    id: 2,
    kind: 'import',
    name: 'Contacts from CRM',
    contentType: 'api::contact.contact',
    format: 'csv',
    status: 'completed-with-errors',
    counts: { total: 10, processed: 10, created: 5, updated: 2, skipped: 0, failed: 3 },
    progress: 1,
    fileName: 'crm.csv',
    hasErrorReport: true,
    createdBy: { kind: 'admin-user', id: 1, name: 'Ada Admin' },
  }),
  task({ id: 1, name: 'Articles', status: 'completed', counts: { total: 4, processed: 4, created: 0, updated: 0, skipped: 0, failed: 0 }, fileName: 'articles.json' }),
];

const setup = (list: Task[] | (() => Task[]) = tasks, permissions = ALL) => {
  const get = jest.fn(async (url: unknown, _config?: unknown) => {
    if (url === '/data-migration-center/tasks') {
      const data = typeof list === 'function' ? list() : list;
      return { data: { data, meta: { pagination: { page: 1, pageSize: 10, pageCount: 1, total: data.length } } } };
    }
    if (url === '/data-migration-center/content-types') return { data: { data: contentTypes } };
    throw new Error(`unexpected GET ${String(url)}`);
  });
  const del = jest.fn(async (_url: unknown) => ({ data: { data: tasks[0] } }));
  setFetchClient({ get, del });
  renderWithProviders(<TasksTab permissions={permissions} />);
  return { get, del, user: userEvent.setup() };
};

describe('TasksTab', () => {
  it('lists the tasks with their content type, status and counts', async () => {
    const { get } = setup();
    const row = (await screen.findByText('Contacts from CRM')).closest('tr') as HTMLElement;
    expect(within(row).getByText('Contact')).toBeInTheDocument();
    expect(within(row).getByText('Completed with errors')).toBeInTheDocument();
    expect(within(row).getByText('5 created')).toBeInTheDocument();
    expect(within(row).getByText('3 failed')).toBeInTheDocument();
    expect(within(row).getByText('Ada Admin')).toBeInTheDocument();
    expect(get).toHaveBeenCalledWith('/data-migration-center/tasks', { params: { page: 1, pageSize: 10 } });
  });

  it('shows a bundle export as such: its kind, ZIP, its file to download, no template to save', async () => {
    const bundle = task({
      id: 3,
      kind: 'bundle-export',
      name: 'Bundle of 2 types',
      contentType: '',
      format: null,
      status: 'completed',
      counts: { total: 7, processed: 7, created: 0, updated: 0, skipped: 0, failed: 0 },
      progress: 1,
      fileName: 'Bundle of 2 types.zip',
    });
    const { user } = setup([bundle]);
    const row = (await screen.findByText('Bundle of 2 types')).closest('tr') as HTMLElement;
    expect(within(row).getByText('Bundle export')).toBeInTheDocument();
    expect(within(row).getByText('ZIP')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Actions for Bundle of 2 types' }));
    expect(screen.getByRole('menuitem', { name: 'Download file' })).toBeInTheDocument();
    expect(screen.queryByRole('menuitem', { name: 'Save as template' })).not.toBeInTheDocument();
  });

  it('offers the downloads and deletes a finished task after a confirmation', async () => {
    const { del, get, user } = setup();
    await user.click(await screen.findByRole('button', { name: 'Actions for Contacts from CRM' }));
    expect(screen.getByRole('menuitem', { name: 'Download imported file' })).toBeInTheDocument();
    expect(screen.getByRole('menuitem', { name: 'Error report (CSV)' })).toBeInTheDocument();
    expect(screen.getByRole('menuitem', { name: 'Error report (JSON)' })).toBeInTheDocument();
    expect(screen.queryByRole('menuitem', { name: 'Cancel task' })).not.toBeInTheDocument();
    await user.click(screen.getByRole('menuitem', { name: 'Delete' }));

    const dialog = await screen.findByRole('alertdialog');
    expect(dialog).toHaveTextContent('Delete "Contacts from CRM" and its files? This cannot be undone.');
    expect(del).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(del).toHaveBeenCalledWith('/data-migration-center/tasks/2'));
    expect(notifications).toContainEqual({ type: 'success', message: '"Contacts from CRM" was deleted.' });
    await waitFor(() => expect(get.mock.calls.filter(([url]) => url === '/data-migration-center/tasks')).toHaveLength(2));
  });

  it('resumes an interrupted continue import, and offers no resume for one that rolled back', async () => {
    const interrupted = task({ id: 5, kind: 'import', name: 'Big import', status: 'interrupted', resumable: true, fileName: 'big.jsonl' });
    const rolledBack = task({ id: 6, kind: 'import', name: 'Stop import', status: 'interrupted', resumable: false, fileName: 'stop.jsonl' });
    const post = jest.fn(async (_url: unknown) => ({ data: { data: { ...interrupted, status: 'queued', resumable: false } } }));
    const { user } = setup([interrupted, rolledBack]);
    setFetchClient({ post });
    await user.click(await screen.findByRole('button', { name: 'Actions for Stop import' }));
    expect(screen.queryByRole('menuitem', { name: 'Resume' })).not.toBeInTheDocument();
    await user.keyboard('{Escape}');
    await user.click(await screen.findByRole('button', { name: 'Actions for Big import' }));
    await user.click(screen.getByRole('menuitem', { name: 'Resume' }));
    await waitFor(() => expect(post).toHaveBeenCalledWith('/data-migration-center/tasks/5/resume'));
    expect(notifications).toContainEqual({ type: 'success', message: '"Big import" goes on where it stopped.' });
  });

  it('reverts a finished import after a confirmation (with force when ticked); a reverted one says by which task', async () => {
    const done = task({ id: 9, kind: 'import', name: 'Upsert articles', status: 'completed', revertable: true, fileName: 'a.jsonl' });
    const reverted = task({ id: 10, kind: 'import', name: 'Old import', status: 'completed', revertable: false, revertedBy: 11, fileName: 'b.jsonl' });
    const post = jest.fn(async (_url: unknown, _body?: unknown) => ({ data: { data: task({ id: 12, kind: 'revert', name: 'Revert of task 9', status: 'queued' }) } }));
    const { user } = setup([done, reverted]);
    setFetchClient({ post });
    expect(await screen.findByText('Reverted by task #11')).toBeInTheDocument();
    await user.click(await screen.findByRole('button', { name: 'Actions for Old import' }));
    expect(screen.queryByRole('menuitem', { name: 'Revert' })).not.toBeInTheDocument();
    await user.keyboard('{Escape}');
    await user.click(await screen.findByRole('button', { name: 'Actions for Upsert articles' }));
    await user.click(screen.getByRole('menuitem', { name: 'Revert' }));
    const dialog = await screen.findByRole('alertdialog');
    expect(within(dialog).getByText(/Revert "Upsert articles"\? The entries it created are deleted/)).toBeInTheDocument();
    await user.click(within(dialog).getByRole('checkbox', { name: 'Also put back the entries changed since the import (force)' }));
    expect(post).not.toHaveBeenCalled();
    await user.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(post).toHaveBeenCalledWith('/data-migration-center/tasks/9/revert', { force: true }));
    expect(notifications).toContainEqual({ type: 'success', message: '"Upsert articles" is being reverted (task #12).' });
  });

  it('says which task a waiting task waits for', async () => {
    setup([task({ id: 8, kind: 'import', name: 'Second upsert', status: 'running', waitingFor: 7, progress: 0 })]);
    expect(await screen.findByText('Waiting for task #7, which writes the same content type')).toBeInTheDocument();
  });

  it('hides the changes an admin may not make', async () => {
    const { user } = setup(tasks, { ...ALL, canImport: false, canManageTemplates: false });
    await user.click(await screen.findByRole('button', { name: 'Actions for Contacts from CRM' }));
    expect(screen.getByRole('menuitem', { name: 'Error report (CSV)' })).toBeInTheDocument();
    expect(screen.queryByRole('menuitem', { name: 'Delete' })).not.toBeInTheDocument();
    expect(screen.queryByRole('menuitem', { name: 'Save as template' })).not.toBeInTheDocument();
  });

  it("hides the downloads of a task whose files the user may not download (canDownload false), and says why", async () => {
    const others = tasks.map((candidate) => ({ ...candidate, canDownload: false }));
    const { user } = setup(others);
    const row = (await screen.findByText('Contacts from CRM')).closest('tr') as HTMLElement;
    const why =
      'Its files and error report are only for the user who started it and for users who may read all of this content in the Content Manager.';
    expect(within(row).getByLabelText(why)).toBeInTheDocument();
    await user.click(within(row).getByRole('button', { name: 'Actions for Contacts from CRM' }));
    const menu = await screen.findByRole('menu');
    expect(within(menu).getAllByRole('menuitem').map((item) => item.textContent)).toEqual(['Save as template', 'Delete']);
    expect(screen.queryByRole('menuitem', { name: 'Download imported file' })).not.toBeInTheDocument();
    expect(screen.queryByRole('menuitem', { name: 'Error report (CSV)' })).not.toBeInTheDocument();
    expect(screen.queryByRole('menuitem', { name: 'Error report (JSON)' })).not.toBeInTheDocument();
  });

  it('shows no menu at all to a reader who may not download a task, only why', async () => {
    setup(
      tasks.map((candidate) => ({ ...candidate, canDownload: false })),
      { ...ALL, canImport: false, canExport: false, canManageTemplates: false }
    );
    const row = (await screen.findByText('Articles')).closest('tr') as HTMLElement;
    expect(within(row).getByLabelText(/Its files and error report are only for the user who started it/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /^Actions for/ })).not.toBeInTheDocument();
  });

  it('offers the downloads of the same tasks when the user may download them', async () => {
    const { user } = setup(tasks, { ...ALL, canImport: false, canExport: false, canManageTemplates: false });
    expect(await screen.findByText('Articles')).toBeInTheDocument();
    expect(screen.queryByLabelText(/Its files and error report are only/)).not.toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Actions for Articles' }));
    expect(screen.getAllByRole('menuitem').map((item) => item.textContent)).toEqual(['Download file']);
  });

  it('asks again every second while a task is running, and stops once it has finished', async () => {
    jest.useFakeTimers();
    try {
      const running = task({
        id: 3,
        name: 'Running export',
        status: 'running',
        counts: { total: 10, processed: 4, created: 0, updated: 0, skipped: 0, failed: 0 },
        progress: 0.4,
      });
      let current = [running];
      const { get } = setup(() => current);
      const listCalls = () => get.mock.calls.filter(([url]) => url === '/data-migration-center/tasks').length;

      expect(await screen.findByText('40%')).toBeInTheDocument();
      expect(screen.getByRole('progressbar', { name: 'Progress of Running export' })).toBeInTheDocument();
      expect(listCalls()).toBe(1);

      current = [{ ...running, status: 'completed', progress: 1, counts: { ...running.counts, processed: 10 } }];
      await act(() => jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS));
      expect(listCalls()).toBe(2);
      expect(await screen.findByText('Completed')).toBeInTheDocument();
      expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();

      await act(() => jest.advanceTimersByTimeAsync(POLL_INTERVAL_MS * 5));
      expect(listCalls()).toBe(2);
    } finally {
      jest.useRealTimers();
    }
  });

  it('invites the first export or import when there is no task', async () => {
    setup([], { ...ALL, canImport: false });
    expect(await screen.findByText('No import or export yet. Start one to move content in or out of this project.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'New export' })).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New import' })).not.toBeInTheDocument();
  });
});

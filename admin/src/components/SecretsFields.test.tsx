import '@testing-library/jest-dom';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ExportOptions, FileHead, ImportOptions } from '../../../shared/contracts';
import { answerGets, contentTypes, task, template } from '../testing/fixtures';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { resetFetchClient, setFetchClient } from '../testing/strapiAdmin';
import { ExportPage } from '../pages/ExportPage';
import { ImportPage } from '../pages/ImportPage';

jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));

beforeAll(polyfillDom);
beforeEach(resetFetchClient);

const setup = () => {
  const post = jest.fn(async (_url: unknown, _body?: unknown) => ({ data: { data: task({ status: 'queued' }) } }));
  setFetchClient({ get: answerGets([template()], contentTypes), post });
  const user = userEvent.setup();
  renderWithProviders(<ExportPage />, { route: '/export' });
  return { post, user };
};

const chooseContact = async (user: ReturnType<typeof userEvent.setup>) => {
  await user.click(await screen.findByRole('combobox', { name: 'Content type' }));
  await user.click(await screen.findByRole('option', { name: 'Contact (collection type)' }));
};

describe('Secrets in the export form', () => {
  it('sends the password with the export when "Include private fields (encrypted)" is on', async () => {
    const { post, user } = setup();
    await chooseContact(user);
    await user.click(await screen.findByRole('checkbox', { name: 'Include private fields (encrypted)' }));
    await user.type(screen.getByLabelText(/^Password/), 'correct horse');
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    expect((post.mock.calls[0][1] as ExportOptions).secrets).toEqual({ password: 'correct horse' });
  });

  it('refuses a password shorter than 8 characters, and sends no secrets when the switch is off', async () => {
    const { post, user } = setup();
    await chooseContact(user);
    const toggle = await screen.findByRole('checkbox', { name: 'Include private fields (encrypted)' });
    await user.click(toggle);
    await user.type(screen.getByLabelText(/^Password/), 'short');
    await user.click(screen.getByRole('button', { name: 'Export' }));
    expect(await screen.findByText('The password must be at least 8 characters.')).toBeInTheDocument();
    expect(post).not.toHaveBeenCalled();
    await user.click(toggle);
    await user.click(screen.getByRole('button', { name: 'Export' }));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    expect(post.mock.calls[0][1]).not.toHaveProperty('secrets');
  });
});

describe('Secrets in the import wizard', () => {
  const head: FileHead = {
    format: 'jsont',
    fields: ['slug', 'secretNote'],
    samples: { slug: 'first' },
    itemCount: 1,
    configuration: { contentType: 'api::article.article' },
    encrypted: ['secretNote'],
    error: null,
  };
  const file = JSON.stringify({ configuration: { contentType: 'api::article.article' }, secrets: {}, items: [{ slug: 'first', secretNote: 'dmc:enc:v1:a:b:c' }] });

  it('asks for the password when the file has encrypted private fields, and sends it with the dry run', async () => {
    const post = jest.fn(async (url: unknown, _body?: unknown) =>
      String(url).endsWith('/file-heads') ? { data: { data: head } } : { data: { data: task({ id: 9, kind: 'import', status: 'completed' }) } }
    );
    setFetchClient({ get: answerGets([], contentTypes), post });
    const user = userEvent.setup();
    renderWithProviders(<ImportPage />, { route: '/import' });
    await user.upload(await screen.findByTestId('import-file-input'), new File([file], 'articles.jsont', { type: 'application/json' }));
    const password = await screen.findByLabelText(/^Password of the encrypted private fields/);
    expect(screen.getByText(/The file carries encrypted private fields \(secretNote\)/)).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: /Next/ }));
    expect(await screen.findByText('The password must be at least 8 characters.')).toBeInTheDocument();
    const imports = () => post.mock.calls.filter(([url]) => String(url).endsWith('/import-tasks'));
    expect(imports()).toHaveLength(0);
    await user.type(password, 'correct horse');
    await user.click(screen.getByRole('button', { name: /Next/ }));
    await waitFor(() => expect(imports()).toHaveLength(1));
    const options = JSON.parse((imports()[0][1] as FormData).get('options') as string) as ImportOptions;
    expect(options).toMatchObject({ dryRun: true, secrets: { password: 'correct horse' } });
  });
});

import '@testing-library/jest-dom';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { ContentTypeInfo, FileHead, ImportOptions, ReadFileHead } from '../../../shared/contracts';
import { answerGets, contactType, contentTypes, limitedContentTypes, noAccessContentTypes, task } from '../testing/fixtures';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { resetFetchClient, setFetchClient } from '../testing/strapiAdmin';
import { ImportPage } from './ImportPage';

jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));

beforeAll(polyfillDom);
beforeEach(resetFetchClient);

const dryRun = task({
  id: 9,
  kind: 'import',
  name: 'articles',
  status: 'completed-with-errors',
  counts: { total: 3, processed: 3, created: 1, updated: 1, skipped: 0, failed: 1 },
  progress: 1,
  hasErrorReport: true,
});

const failures = [{ itemNumber: 3, line: null, key: 'third', message: 'title: this field is required', item: { slug: 'third' } }];

/**
 * The server's answer to POST /file-heads for the JSONT files of these tests (the server's reading itself is tested
 * in server/src/pipeline/formats/head.test.ts).
 */
const jsontHead = ({ head }: ReadFileHead.Request['body']): FileHead => {
  const { configuration, items } = JSON.parse(head) as { configuration: Record<string, unknown>; items: Array<Record<string, unknown>> };
  const fields = [...new Set(items.flatMap((item) => Object.keys(item)))];
  const samples = Object.fromEntries(fields.map((field) => [field, String(items.find((item) => item[field] !== undefined)?.[field])]));
  return { format: 'jsont', fields, samples, itemCount: items.length, configuration, error: null };
};

const setup = (types: ContentTypeInfo[] = contentTypes, route = '/import') => {
  const post = jest.fn(async (url: unknown, body?: unknown, _config?: unknown) =>
    String(url).endsWith('/file-heads') ? { data: { data: jsontHead(body as ReadFileHead.Request['body']) } } : { data: { data: dryRun } }
  );
  /** The import requests (dry runs and imports), leaving out the reading of the file's head. */
  const imports = () => post.mock.calls.filter(([url]) => String(url).endsWith('/import-tasks'));
  const gets = answerGets([], types);
  const get = jest.fn(async (url: unknown, _config?: unknown) =>
    String(url).endsWith('/tasks/9/error-report') ? { data: failures } : gets(url)
  );
  setFetchClient({ get, post });
  const user = userEvent.setup();
  renderWithProviders(<ImportPage />, { route });
  return { get, post, imports, user };
};

const jsont = JSON.stringify({
  configuration: { contentType: 'api::article.article', onError: 'continue' },
  items: [
    { Title: 'First', slug: 'first' },
    { Title: 'Second', slug: 'second', colour: 'red' },
  ],
});

describe('ImportPage', () => {
  it('cannot go to the preview without a file', async () => {
    const { post, user } = setup();
    await user.click(await screen.findByRole('button', { name: /Next/ }));
    expect(await screen.findAllByText('This value is required.')).not.toHaveLength(0);
    expect(screen.queryByText('Preview of the import')).not.toBeInTheDocument();
    expect(post).not.toHaveBeenCalled();
  });

  it('runs lifecycle hooks and entry webhooks when asked: lifecycles run', async () => {
    const { imports, user } = setup();
    await user.upload(await screen.findByTestId('import-file-input'), new File([jsont], 'articles.jsont', { type: 'application/json' }));
    expect(await screen.findByText("Found in the file's configuration.")).toBeInTheDocument();
    // Unticked by default: nothing sent (the test above checks the options sent without it).
    const checkbox = screen.getByRole('checkbox', { name: 'Run lifecycle hooks and entry webhooks' });
    expect(checkbox).not.toBeChecked();
    await user.click(checkbox);
    expect(checkbox).toBeChecked();
    await user.click(screen.getByRole('button', { name: /Next/ }));
    await waitFor(() => expect(imports()).toHaveLength(1));
    expect((JSON.parse((imports()[0][1] as FormData).get('options') as string) as ImportOptions).lifecycles).toBe('run');
  });

  it('reads the file, pre-fills the settings and the mapping, previews as a dry run, then starts the import', async () => {
    const { get, post, imports, user } = setup();
    await user.upload(
      await screen.findByTestId('import-file-input'),
      new File([jsont], 'articles.jsont', { type: 'application/json' })
    );

    // From the JSONT configuration: the content type and onError; the name from the file name. The file is read
    // asynchronously: wait for what its configuration sets before looking at the fields.
    expect(await screen.findByText("Found in the file's configuration.")).toBeInTheDocument();
    expect(screen.getByRole('combobox', { name: 'Content type' })).toHaveTextContent('Article (collection type)');
    expect(screen.getByRole('radio', { name: 'Skip failed items and continue' })).toBeChecked();
    expect(screen.getByRole('textbox', { name: 'Name' })).toHaveValue('articles');

    // The mapping: Title → title (case-insensitive), slug → slug, colour ignored.
    expect(screen.getByRole('combobox', { name: 'Attribute for Title' })).toHaveTextContent('title');
    expect(screen.getByRole('combobox', { name: 'Attribute for slug' })).toHaveTextContent('slug');
    expect(screen.getByRole('combobox', { name: 'Attribute for colour' })).toHaveTextContent('Ignore');

    await user.click(screen.getByRole('button', { name: /Next/ }));

    const dialog = await screen.findByRole('dialog', { name: 'Preview of the import' });
    await waitFor(() => expect(within(dialog).getByText('Would create')).toBeInTheDocument());
    expect(await within(dialog).findByText('title: this field is required')).toBeInTheDocument();
    // The failure's row shows its itemNumber as it is: item 3, the number the messages give.
    const failureRow = within(dialog).getByText('title: this field is required').closest('tr')!;
    expect(within(failureRow).getAllByRole('gridcell')[0]).toHaveTextContent(/^3$/);

    expect(post.mock.calls[0][0]).toBe('/data-migration-center/file-heads');
    expect(post.mock.calls[0][1]).toEqual({ fileName: 'articles.jsont', head: jsont, complete: true });
    expect(imports()).toHaveLength(1);
    const [url, body, config] = imports()[0];
    expect(url).toBe('/data-migration-center/import-tasks');
    expect(config).toEqual({ params: { wait: 'true' } });
    const form = body as FormData;
    expect((form.get('file') as File).name).toBe('articles.jsont');
    const options = JSON.parse(form.get('options') as string) as ImportOptions;
    expect(options).toEqual({
      contentType: 'api::article.article',
      format: 'jsont',
      importStrategy: 'upsert',
      updateStrategy: 'patch',
      onError: 'continue',
      matchBy: 'documentId',
      fieldMapping: { Title: 'title', colour: null },
      status: 'draft',
      dryRun: true,
      name: 'articles',
    });
    expect(get).toHaveBeenCalledWith('/data-migration-center/tasks/9/error-report', { params: { format: 'json', limit: 10 } });

    post.mockResolvedValueOnce({ data: { data: task({ id: 10, kind: 'import', name: 'articles', status: 'queued' }) } });
    await user.click(within(dialog).getByRole('button', { name: 'Start import' }));
    await waitFor(() => expect(imports()).toHaveLength(2));
    const started = JSON.parse((imports()[1][1] as FormData).get('options') as string) as ImportOptions;
    expect(started.dryRun).toBeUndefined();
    expect(imports()[1][2]).toEqual({ params: undefined });
    expect(await screen.findByText('Import: articles')).toBeInTheDocument();
  });

  describe('a text file that is not UTF-8', () => {
    /** The server's answer for a small CSV head: its header row's fields, the second row as examples. */
    const csvHead = ({ head }: ReadFileHead.Request['body']): FileHead => {
      const [header, first] = head.split('\n').map((line) => line.split(';'));
      return {
        format: 'csv',
        fields: header,
        samples: Object.fromEntries(header.map((field, index) => [field, first[index]])),
        itemCount: 1,
        configuration: null,
        error: null,
      };
    };
    /** The text in Windows-1252, as Excel saves a CSV on a Western European Windows (é 0xE9, è 0xE8, € 0x80). */
    const windows1252 = (text: string) => Uint8Array.from(text, (char) => (char === '€' ? 0x80 : char.charCodeAt(0)));
    const menu = 'title;slug\nCafé crème 3 €;cafe\n';

    const setupCsv = () => {
      const context = setup(contentTypes, '/import?contentType=api%3A%3Aarticle.article');
      context.post.mockImplementation(async (url: unknown, body?: unknown) =>
        String(url).endsWith('/file-heads') ? { data: { data: csvHead(body as ReadFileHead.Request['body']) } } : { data: { data: dryRun } }
      );
      const heads = () => context.post.mock.calls.filter(([url]) => String(url).endsWith('/file-heads'));
      return { ...context, heads };
    };
    const notice =
      "This file is not UTF-8 text: it is read as Windows-1252 (Western European), as Excel saves CSV files on Windows. If the examples below show wrong accents, choose the file's encoding.";
    const sentOptions = (form: unknown) => JSON.parse(String((form as FormData).get('options'))) as ImportOptions;

    it('is read as Windows-1252 (its accents in the examples), says so, and is imported in that encoding', async () => {
      const { heads, imports, user } = setupCsv();
      await user.upload(await screen.findByTestId('import-file-input'), new File([windows1252(menu)], 'menu.csv', { type: 'text/csv' }));

      expect(await screen.findByText(notice)).toBeInTheDocument();
      expect(heads()).toHaveLength(1);
      expect(heads()[0][1]).toEqual({ fileName: 'menu.csv', head: menu, complete: true });
      expect(screen.getByText('Café crème 3 €')).toBeInTheDocument();
      expect(screen.getByRole('combobox', { name: 'Encoding' })).toHaveTextContent("Windows-1252 (Western European, Excel's CSV on Windows)");
      expect(screen.getByText('Guessed from the file.')).toBeInTheDocument();

      await user.click(screen.getByRole('button', { name: /Next/ }));
      await waitFor(() => expect(imports()).toHaveLength(1));
      expect(sentOptions(imports()[0][1])).toEqual(
        expect.objectContaining({ contentType: 'api::article.article', format: 'csv', encoding: 'windows-1252', dryRun: true })
      );
    });

    it('is read again in the encoding chosen, and imported in it', async () => {
      const { heads, imports, user } = setupCsv();
      await user.upload(await screen.findByTestId('import-file-input'), new File([windows1252(menu)], 'menu.csv', { type: 'text/csv' }));
      expect(await screen.findByText(notice)).toBeInTheDocument();

      await user.click(screen.getByRole('combobox', { name: 'Encoding' }));
      await user.click(await screen.findByRole('option', { name: 'UTF-8' }));

      // The head read again as UTF-8: the bytes that are not UTF-8 read as U+FFFD, in the examples too.
      await waitFor(() => expect(heads()).toHaveLength(2));
      const asUtf8 = 'title;slug\nCaf\uFFFD cr\uFFFDme 3 \uFFFD;cafe\n';
      expect(heads()[1][1]).toEqual({ fileName: 'menu.csv', head: asUtf8, complete: true });
      expect(await screen.findByText('Caf\uFFFD cr\uFFFDme 3 \uFFFD')).toBeInTheDocument();
      expect(screen.queryByText(notice)).not.toBeInTheDocument();
      expect(screen.queryByText('Guessed from the file.')).not.toBeInTheDocument();
      expect(screen.getByRole('combobox', { name: 'Encoding' })).toHaveTextContent('UTF-8');

      await user.click(screen.getByRole('button', { name: /Next/ }));
      await waitFor(() => expect(imports()).toHaveLength(1));
      // UTF-8 is the server's default: not sent.
      expect(sentOptions(imports()[0][1]).encoding).toBeUndefined();
      expect(sentOptions(imports()[0][1]).format).toBe('csv');
      await user.click(within(screen.getByRole('dialog', { name: 'Preview of the import' })).getByRole('button', { name: 'Back to the settings' }));
      await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Preview of the import' })).not.toBeInTheDocument());

      // Windows-1252 chosen: read again, and no notice (the user chose it, it is no guess).
      await user.click(screen.getByRole('combobox', { name: 'Encoding' }));
      await user.click(await screen.findByRole('option', { name: "Windows-1252 (Western European, Excel's CSV on Windows)" }));
      expect(await screen.findByText('Café crème 3 €')).toBeInTheDocument();
      expect(heads()).toHaveLength(3);
      expect(screen.queryByText(notice)).not.toBeInTheDocument();
    });

    it('says nothing of a UTF-8 file, and sends no encoding', async () => {
      const { heads, imports, user } = setupCsv();
      await user.upload(await screen.findByTestId('import-file-input'), new File([menu], 'menu.csv', { type: 'text/csv' }));
      expect(await screen.findByText('Café crème 3 €')).toBeInTheDocument();
      expect(heads()[0][1]).toEqual({ fileName: 'menu.csv', head: menu, complete: true });
      expect(screen.queryByText(notice)).not.toBeInTheDocument();
      expect(screen.getByRole('combobox', { name: 'Encoding' })).toHaveTextContent('UTF-8');
      await user.click(screen.getByRole('button', { name: /Next/ }));
      await waitFor(() => expect(imports()).toHaveLength(1));
      expect(sentOptions(imports()[0][1]).encoding).toBeUndefined();
    });
  });

  describe('opened from the Content Manager list view (?contentType=)', () => {
    it('starts with the type chosen, and imports into it', async () => {
      const { imports, user } = setup(contentTypes, '/import?contentType=api%3A%3Acontact.contact');
      expect(await screen.findByRole('combobox', { name: 'Content type' })).toHaveTextContent('Contact (collection type)');
      expect(screen.getByText('Choose a file to see its fields.')).toBeInTheDocument();

      // A file whose configuration names no type: the chosen one stays.
      const file = JSON.stringify({ configuration: { onError: 'continue' }, items: [{ firstName: 'Ada', lastName: 'Lovelace' }] });
      await user.upload(screen.getByTestId('import-file-input'), new File([file], 'people.jsont', { type: 'application/json' }));
      expect(await screen.findByRole('combobox', { name: 'Attribute for firstName' })).toHaveTextContent('firstName');
      expect(screen.getByRole('combobox', { name: 'Content type' })).toHaveTextContent('Contact (collection type)');
      await user.click(await screen.findByRole('button', { name: /Next/ }));
      await waitFor(() => expect(imports()).toHaveLength(1));
      const options = JSON.parse(String((imports()[0][1] as FormData).get('options'))) as ImportOptions;
      expect(options).toEqual(expect.objectContaining({ contentType: 'api::contact.contact', dryRun: true }));
    });

    it('does not choose a type the user may neither create nor update', async () => {
      setup([noAccessContentTypes[0], contactType], '/import?contentType=api::article.article');
      const picker = await screen.findByRole('combobox', { name: 'Content type' });
      await waitFor(() => expect(picker).not.toHaveTextContent('Article'));
      expect(screen.getByText('Choose a file to see its fields.')).toBeInTheDocument();
    });
  });

  describe('for a user with limited Content Manager permissions', () => {
    // Articles: Update without Create nor Publish, title and views only; contacts: Create only.
    const asking = JSON.stringify({
      configuration: { contentType: 'api::article.article', importStrategy: 'add-only', status: 'published', matchBy: 'slug' },
      items: [{ Title: 'First', slug: 'first', views: 3, colour: 'red' }],
    });

    it('lists the types the user may create or update', async () => {
      const { user } = setup(limitedContentTypes);
      await user.click(await screen.findByRole('combobox', { name: 'Content type' }));
      expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual([
        'Article (collection type)',
        'Contact (collection type)',
      ]);
    });

    it('without Update: says existing entries fail, and the update strategy does not apply', async () => {
      const { user } = setup(limitedContentTypes);
      await user.click(await screen.findByRole('combobox', { name: 'Content type' }));
      await user.click(await screen.findByRole('option', { name: 'Contact (collection type)' }));
      expect(
        await screen.findByText(
          'You may not update entries of this type in the Content Manager: only new entries are created; existing ones fail.'
        )
      ).toBeInTheDocument();
      expect(screen.getByRole('radio', { name: 'Only add new records' })).toBeInTheDocument();
      expect(screen.getByRole('radio', { name: 'Update changed fields' })).toBeDisabled();
      expect(screen.getByRole('radio', { name: 'Overwrite records' })).toBeDisabled();
    });

    it('offers no add-only without Create, no published without Publish, readable match keys, writable targets', async () => {
      const { imports, user } = setup(limitedContentTypes);
      await user.upload(
        await screen.findByTestId('import-file-input'),
        new File([asking], 'articles.jsont', { type: 'application/json' })
      );
      expect(await screen.findByText("Found in the file's configuration.")).toBeInTheDocument();

      // The file's configuration asks add-only, published and slug: the form shows what the user may use.
      expect(screen.getByRole('radio', { name: 'Add or update records' })).toBeChecked();
      expect(screen.queryByRole('radio', { name: 'Only add new records' })).not.toBeInTheDocument();
      expect(
        screen.getByText('You may not create entries of this type in the Content Manager: only existing entries are updated; new ones fail.')
      ).toBeInTheDocument();
      expect(screen.getByRole('combobox', { name: 'Import as' })).toHaveTextContent('Draft');
      expect(screen.getByText('Drafts only: you may not publish entries of this type in the Content Manager.')).toBeInTheDocument();
      await user.click(screen.getByRole('combobox', { name: 'Import as' }));
      expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual(['Draft']);
      await user.keyboard('{Escape}');
      expect(screen.getByRole('combobox', { name: 'Match existing entries by' })).toHaveTextContent('documentId');
      await user.click(screen.getByRole('combobox', { name: 'Match existing entries by' }));
      expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual(['documentId']);
      await user.keyboard('{Escape}');

      // The mapping: slug is not writable, so it is ignored; the targets are the writable attributes.
      expect(screen.getByRole('combobox', { name: 'Attribute for Title' })).toHaveTextContent('title');
      expect(screen.getByRole('combobox', { name: 'Attribute for slug' })).toHaveTextContent('Ignore');
      expect(screen.getByRole('combobox', { name: 'Attribute for views' })).toHaveTextContent('views');
      await user.click(screen.getByRole('combobox', { name: 'Attribute for slug' }));
      expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual([
        'Ignore',
        'title * (string)',
        'views (integer)',
        'documentId (system)',
        'locale (system)',
      ]);
      await user.keyboard('{Escape}');

      await user.click(screen.getByRole('button', { name: /Next/ }));
      await waitFor(() => expect(imports()).toHaveLength(1));
      const options = JSON.parse((imports()[0][1] as FormData).get('options') as string) as ImportOptions;
      expect(options).toEqual(
        expect.objectContaining({
          contentType: 'api::article.article',
          importStrategy: 'upsert',
          matchBy: 'documentId',
          status: 'draft',
          fieldMapping: { Title: 'title', slug: null, colour: null },
        })
      );
    });

    it("says why the type named by the file's configuration is not chosen when the user may not import into it", async () => {
      const { user } = setup([limitedContentTypes[0], noAccessContentTypes[1]]);
      const contacts = JSON.stringify({ configuration: { contentType: 'api::contact.contact' }, items: [{ firstName: 'Ada' }] });
      await user.upload(
        await screen.findByTestId('import-file-input'),
        new File([contacts], 'contacts.jsont', { type: 'application/json' })
      );
      expect(
        await screen.findByText(
          "The file's configuration names Contact, whose entries you may neither create nor update in the Content Manager."
        )
      ).toBeInTheDocument();
      expect(screen.getByRole('combobox', { name: 'Content type' })).toHaveTextContent('Choose a content type');
      expect(screen.queryByText("Found in the file's configuration.")).not.toBeInTheDocument();
    });

    it('says why there is nothing to import into when the user may neither create nor update any type', async () => {
      setup(noAccessContentTypes);
      expect(
        await screen.findByText(
          'Nothing to import into: you may neither create nor update entries of any content type in the Content Manager. Ask an administrator for the Create or Update permission on the content you need.'
        )
      ).toBeInTheDocument();
      expect(screen.queryByTestId('import-file-input')).not.toBeInTheDocument();
      expect(screen.queryByRole('button', { name: /Next/ })).not.toBeInTheDocument();
    });
  });
});

import '@testing-library/jest-dom';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { FileHead, ImportOptions, ImportPreviewItem, ReadFileHead } from '../../../shared/contracts';
import { answerGets, contentTypes, task } from '../testing/fixtures';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { resetFetchClient, setFetchClient } from '../testing/strapiAdmin';
import { ImportPage } from './ImportPage';

jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));

beforeAll(polyfillDom);
beforeEach(resetFetchClient);

const jsont = JSON.stringify({
  configuration: { contentType: 'api::article.article' },
  items: [{ Title: 'first post', slug: 'first' }],
});

const head = ({ head: text }: ReadFileHead.Request['body']): FileHead => {
  const { configuration, items } = JSON.parse(text) as { configuration: Record<string, unknown>; items: Array<Record<string, unknown>> };
  const fields = [...new Set(items.flatMap((item) => Object.keys(item)))];
  return { format: 'jsont', fields, samples: {}, itemCount: items.length, configuration, error: null };
};

const previewItems: ImportPreviewItem[] = [
  { index: 0, line: null, source: { Title: 'first post', slug: 'first' }, transformed: { title: 'FIRST POST', slug: 'first' }, errors: [] },
  { index: 1, line: null, source: { Title: 'x' }, transformed: null, errors: [{ stage: 'map', field: 'title', message: 'title: the transform of "Title" failed: boom' }] },
];

const setup = () => {
  const post = jest.fn(async (url: unknown, body?: unknown, _config?: unknown) => {
    if (String(url).endsWith('/file-heads')) return { data: { data: head(body as ReadFileHead.Request['body']) } };
    if (String(url).endsWith('/import-previews')) return { data: { data: { format: 'jsont', items: previewItems } } };
    return { data: { data: task({ id: 9, kind: 'import', name: 'articles', status: 'completed', progress: 1 }) } };
  });
  setFetchClient({ get: jest.fn(answerGets([], contentTypes)), post });
  const user = userEvent.setup();
  renderWithProviders(<ImportPage />, { route: '/import' });
  return { post, user };
};

describe('the transform editor of the import wizard', () => {
  it('edits a transform (its error shown inline) and a computed field, previews side by side, sends them', async () => {
    const { post, user } = setup();
    await user.upload(await screen.findByTestId('import-file-input'), new File([jsont], 'articles.jsont', { type: 'application/json' }));
    const transform = await screen.findByRole('textbox', { name: 'Transform of Title' });

    await user.type(transform, '$uppercase(');
    expect(await screen.findByText(/Expected "\)" before end of expression \(at character \d+\)/)).toBeInTheDocument();
    await user.type(transform, '$)');
    await waitFor(() => expect(screen.queryByText(/before end of expression/)).not.toBeInTheDocument());

    await user.click(screen.getByRole('button', { name: 'Add a computed field' }));
    await user.click(screen.getByRole('combobox', { name: 'Computed attribute 1' }));
    await user.click(await screen.findByRole('option', { name: /^slug/ }));
    await user.type(screen.getByRole('textbox', { name: 'Expression 1' }), '$lowercase(Title)');

    await user.click(screen.getByRole('button', { name: 'Preview the first items' }));
    const table = await screen.findByRole('grid', { name: 'Preview of the first items' });
    expect(within(table).getByText('Valid')).toBeInTheDocument();
    expect(within(table).getByText(/"title": "FIRST POST"/)).toBeInTheDocument();
    expect(within(table).getByText('title: the transform of "Title" failed: boom')).toBeInTheDocument();

    const previews = post.mock.calls.filter(([url]) => String(url).endsWith('/import-previews'));
    expect(previews).toHaveLength(1);
    const form = previews[0][1] as FormData;
    expect(form.get('count')).toBe('10');
    const options = JSON.parse(form.get('options') as string) as ImportOptions;
    expect(options.fieldMapping).toEqual({ Title: { to: 'title', transform: '$uppercase($)' } });
    expect(options.computed).toEqual({ slug: '$lowercase(Title)' });

    await user.click(screen.getByRole('button', { name: /Next/ }));
    await waitFor(() => expect(post.mock.calls.filter(([url]) => String(url).endsWith('/import-tasks'))).toHaveLength(1));
    const dryRun = post.mock.calls.find(([url]) => String(url).endsWith('/import-tasks'))!;
    const sent = JSON.parse((dryRun[1] as FormData).get('options') as string) as ImportOptions;
    expect(sent).toMatchObject({ dryRun: true, fieldMapping: { Title: { to: 'title', transform: '$uppercase($)' } }, computed: { slug: '$lowercase(Title)' } });
  });
});

import '@testing-library/jest-dom';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { answerGets, articleType, attribute, contactType, task } from '../testing/fixtures';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { resetFetchClient, setFetchClient } from '../testing/strapiAdmin';
import type { ContentTypeInfo } from '../../../shared/contracts';
import { buildMigration, MigratePage, migrationTargets } from './MigratePage';
import { IMPORT_DEFAULTS } from '../utils/forms';

jest.mock('@strapi/strapi/admin', () => jest.requireActual('../testing/strapiAdmin'));

beforeAll(polyfillDom);
beforeEach(resetFetchClient);

const authorType: ContentTypeInfo = { ...contactType, uid: 'api::author.author', displayName: 'Author', matchKeys: ['documentId', 'email'], attributes: [attribute('email', 'email', { unique: true })] };

describe('migrationTargets', () => {
  it("offers the target's attributes and each relation by a unique key of its target", () => {
    const withAuthor: ContentTypeInfo = { ...articleType, attributes: [...articleType.attributes, attribute('author', 'relation', { target: 'api::author.author' })] };
    const paths = migrationTargets(withAuthor, [withAuthor, authorType]).map((target) => target.path);
    expect(paths).toEqual(expect.arrayContaining(['title', 'slug', 'author', 'documentId', 'locale', 'author.email']));
    expect(paths).not.toContain('author.documentId');
  });
});

describe('buildMigration', () => {
  it('leaves out the options of files and puts the source in', () => {
    const values = { ...IMPORT_DEFAULTS, contentType: 'api::contact.contact', format: 'csv' as const, encoding: 'windows-1252' as const, mapping: [{ source: 'zip', target: 'lastName' }] };
    const body = buildMigration({ contentType: 'api::contact.contact', fields: ['zip'] }, values, contactType, { dryRun: true });
    expect(body).toEqual({
      source: { contentType: 'api::contact.contact', fields: ['zip'] },
      contentType: 'api::contact.contact',
      importStrategy: 'upsert',
      updateStrategy: 'patch',
      onError: 'stop',
      matchBy: 'documentId',
      fieldMapping: { zip: 'lastName' },
      dryRun: true,
    });
  });
});

describe('MigratePage', () => {
  const setup = () => {
    const post = jest.fn(async (_url: unknown, _body?: unknown) => ({ data: { data: task({ kind: 'import', name: 'Migrate Contact to Contact', status: 'queued' }) } }));
    setFetchClient({ get: answerGets(), post });
    const user = userEvent.setup();
    renderWithProviders(<MigratePage />, { route: '/migrate' });
    return { post, user };
  };

  it('needs a source and fields before it starts anything', async () => {
    const { post, user } = setup();
    await user.click(await screen.findByRole('button', { name: 'Start migration' }));
    expect(post).not.toHaveBeenCalled();
  });

  it('migrates a field of contacts into another, in place by default, as a dry run', async () => {
    const { post, user } = setup();
    await user.click(await screen.findAllByRole('combobox', { name: 'Content type' }).then((boxes) => boxes[0]));
    await user.click(await screen.findByRole('option', { name: 'Contact (collection type)' }));
    await user.click(screen.getByRole('combobox', { name: 'Fields to migrate' }));
    await user.click(await screen.findByRole('option', { name: 'zip' }));
    await user.keyboard('{Escape}');
    // Matched by name: zip goes to zip; sent to lastName instead.
    await user.click(screen.getByRole('combobox', { name: 'Attribute for zip' }));
    await user.click(await screen.findByRole('option', { name: /^lastName/ }));
    await user.click(screen.getByRole('button', { name: 'Dry run' }));
    await waitFor(() => expect(post).toHaveBeenCalledTimes(1));
    const [url, body] = post.mock.calls[0];
    expect(url).toBe('/data-migration-center/migration-tasks');
    expect(body).toMatchObject({
      source: { contentType: 'api::contact.contact', fields: ['zip'] },
      contentType: 'api::contact.contact',
      fieldMapping: { zip: 'lastName' },
      dryRun: true,
    });
  });
});

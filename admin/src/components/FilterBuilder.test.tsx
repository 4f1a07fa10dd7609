import '@testing-library/jest-dom';
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import type { AttributeInfo, ContentTypeInfo } from '../../../shared/contracts';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { FilterBuilder } from './FilterBuilder';
import { attribute } from '../testing/fixtures';

beforeAll(polyfillDom);


const category: ContentTypeInfo = {
  uid: 'api::category.category',
  kind: 'collectionType',
  displayName: 'Category',
  singularName: 'category',
  pluralName: 'categories',
  draftAndPublish: false,
  localized: false,
  matchKeys: ['documentId', 'slug'],
  attributes: [attribute('name', 'string'), attribute('slug', 'uid', { unique: true })],
};

const attributes: AttributeInfo[] = [
  attribute('title', 'string'),
  attribute('views', 'integer'),
  attribute('featured', 'boolean'),
  attribute('kind', 'enumeration', { enum: ['news', 'review'] }),
  attribute('publishDate', 'date'),
  attribute('cover', 'media'),
  attribute('category', 'relation', { relation: 'manyToOne', target: 'api::category.category' }),
];

/** The builder with its filters held as the export form holds them; every change recorded. */
const setup = (initial?: Record<string, unknown>) => {
  const changes: Array<Record<string, unknown>> = [];
  let setFromOutside: (filters: Record<string, unknown> | undefined) => void = () => undefined;
  const Host = () => {
    const [value, setValue] = useState(initial);
    setFromOutside = setValue;
    return (
      <FilterBuilder
        attributes={attributes}
        contentTypes={[category]}
        value={value}
        onChange={(filters) => {
          changes.push(filters);
          setValue(filters);
        }}
      />
    );
  };
  renderWithProviders(<Host />);
  return { changes, user: userEvent.setup(), setFromOutside: (filters?: Record<string, unknown>) => setFromOutside(filters) };
};

const row = (number: number) => within(screen.getByRole('group', { name: `Filter ${number}` }));
const last = <T,>(list: T[]) => list[list.length - 1];

const choose = async (user: ReturnType<typeof userEvent.setup>, combobox: HTMLElement, option: string) => {
  await user.click(combobox);
  await user.click(await screen.findByRole('option', { name: option }));
};

describe('FilterBuilder', () => {
  it('builds the filters of several rows, with values of the attributes types', async () => {
    const { changes, user } = setup();
    expect(screen.getByText('No filters: every entry is exported.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Add a filter' }));
    // Scalar attributes and the relation's keys; no media.
    await user.click(row(1).getByRole('combobox', { name: 'Field' }));
    expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual([
      'title',
      'views',
      'featured',
      'kind',
      'publishDate',
      'category.documentId',
      'category.slug',
    ]);
    await user.click(screen.getByRole('option', { name: 'views' }));
    await user.click(row(1).getByRole('combobox', { name: 'Operator' }));
    expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual([
      'is',
      'is not',
      'is lower than',
      'is lower than or equal to',
      'is greater than',
      'is greater than or equal to',
      'is null',
      'is not null',
      'is one of',
    ]);
    await user.click(screen.getByRole('option', { name: 'is greater than' }));
    // Left out until it has a value.
    expect(changes).toEqual([]);
    expect(row(1).getByText('Left out until it has a value.')).toBeInTheDocument();
    await user.type(row(1).getByRole('textbox', { name: 'Value' }), '100');
    expect(last(changes)).toEqual({ views: { $gt: 100 } });

    await user.click(screen.getByRole('button', { name: 'Add a filter' }));
    await choose(user, row(2).getByRole('combobox', { name: 'Field' }), 'category.slug');
    await user.type(row(2).getByRole('textbox', { name: 'Value' }), 'news');
    expect(last(changes)).toEqual({ $and: [{ views: { $gt: 100 } }, { category: { slug: { $eq: 'news' } } }] });

    await user.click(screen.getByRole('button', { name: 'Add a filter' }));
    await choose(user, row(3).getByRole('combobox', { name: 'Field' }), 'featured');
    expect(row(3).getByRole('combobox', { name: 'Operator' })).toHaveTextContent('is');
    await choose(user, row(3).getByRole('combobox', { name: 'Value' }), 'false');
    expect(last(changes)).toEqual({
      $and: [{ views: { $gt: 100 } }, { category: { slug: { $eq: 'news' } } }, { featured: { $eq: false } }],
    });

    await user.click(screen.getByRole('button', { name: 'Remove filter 2' }));
    expect(last(changes)).toEqual({ $and: [{ views: { $gt: 100 } }, { featured: { $eq: false } }] });
  });

  it('offers text operators, a select of the enumeration values, and no value for is null', async () => {
    const { changes, user } = setup();
    await user.click(screen.getByRole('button', { name: 'Add a filter' }));
    await choose(user, row(1).getByRole('combobox', { name: 'Field' }), 'kind');
    await user.click(row(1).getByRole('combobox', { name: 'Operator' }));
    expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual([
      'is',
      'is not',
      'is one of',
      'is null',
      'is not null',
    ]);
    await user.click(screen.getByRole('option', { name: 'is not' }));
    await user.click(row(1).getByRole('combobox', { name: 'Value' }));
    expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual(['news', 'review']);
    await user.click(screen.getByRole('option', { name: 'review' }));
    expect(last(changes)).toEqual({ kind: { $ne: 'review' } });

    // Another field: the operator stays where the new field has it, the value goes.
    await choose(user, row(1).getByRole('combobox', { name: 'Field' }), 'title');
    await user.click(row(1).getByRole('combobox', { name: 'Operator' }));
    expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual([
      'is',
      'is not',
      'contains',
      'contains (case insensitive)',
      'does not contain',
      'starts with',
      'ends with',
      'is null',
      'is not null',
      'is one of',
    ]);
    await user.click(screen.getByRole('option', { name: 'is null' }));
    expect(row(1).queryByRole('textbox', { name: 'Value' })).not.toBeInTheDocument();
    expect(last(changes)).toEqual({ title: { $null: true } });

    await choose(user, row(1).getByRole('combobox', { name: 'Operator' }), 'is one of');
    await user.type(row(1).getByRole('textbox', { name: 'Value' }), 'A, B');
    expect(row(1).getByText('Values separated by commas.')).toBeInTheDocument();
    expect(last(changes)).toEqual({ title: { $in: ['A', 'B'] } });
  });

  it('offers several values of an enumeration for is one of, chosen in a list', async () => {
    const { changes, user } = setup();
    await user.click(screen.getByRole('button', { name: 'Add a filter' }));
    await choose(user, row(1).getByRole('combobox', { name: 'Field' }), 'kind');
    await choose(user, row(1).getByRole('combobox', { name: 'Operator' }), 'is one of');
    expect(row(1).queryByText('Values separated by commas.')).not.toBeInTheDocument();
    await user.click(row(1).getByRole('combobox', { name: 'Value' }));
    expect((await screen.findAllByRole('option')).map((option) => option.textContent)).toEqual(['news', 'review']);
    await user.click(screen.getByRole('option', { name: 'news' }));
    expect(last(changes)).toEqual({ kind: { $in: ['news'] } });
    await user.click(screen.getByRole('option', { name: 'review' }));
    expect(last(changes)).toEqual({ kind: { $in: ['news', 'review'] } });
  });

  it('says when a number is not one, and leaves the row out', async () => {
    const { changes, user } = setup({ title: { $eq: 'A' } });
    await user.click(screen.getByRole('button', { name: 'Add a filter' }));
    await choose(user, row(2).getByRole('combobox', { name: 'Field' }), 'views');
    await user.type(row(2).getByRole('textbox', { name: 'Value' }), '1O');
    expect(row(2).getByText('Enter a number.')).toBeInTheDocument();
    // '1' was a number; '1O' is not: the row is out again.
    expect(changes.slice(-2)).toEqual([{ $and: [{ title: { $eq: 'A' } }, { views: { $eq: 1 } }] }, { title: { $eq: 'A' } }]);
    await user.clear(row(2).getByRole('textbox', { name: 'Value' }));
    await user.type(row(2).getByRole('textbox', { name: 'Value' }), '-1.5');
    expect(row(2).queryByText('Enter a number.')).not.toBeInTheDocument();
    expect(last(changes)).toEqual({ $and: [{ title: { $eq: 'A' } }, { views: { $eq: -1.5 } }] });
  });

  it('shows the rows of the filters it is given, from the start or later', async () => {
    const { changes, setFromOutside } = setup({ $and: [{ views: { $gte: '10' } }, { category: { slug: { $eq: 'news' } } }] });
    expect(row(1).getByRole('combobox', { name: 'Field' })).toHaveTextContent('views');
    expect(row(1).getByRole('combobox', { name: 'Operator' })).toHaveTextContent('is greater than or equal to');
    expect(row(1).getByRole('textbox', { name: 'Value' })).toHaveValue('10');
    expect(row(2).getByRole('combobox', { name: 'Field' })).toHaveTextContent('category.slug');
    expect(row(2).getByRole('textbox', { name: 'Value' })).toHaveValue('news');

    act(() => setFromOutside({ featured: { $eq: true } }));
    expect(row(1).getByRole('combobox', { name: 'Field' })).toHaveTextContent('featured');
    expect(row(1).getByRole('combobox', { name: 'Value' })).toHaveTextContent('true');
    expect(screen.queryByRole('group', { name: 'Filter 2' })).not.toBeInTheDocument();
    // Shown, not rewritten.
    expect(changes).toEqual([]);
  });
});

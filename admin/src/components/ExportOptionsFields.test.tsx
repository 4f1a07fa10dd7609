import '@testing-library/jest-dom';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { contentTypes, locales } from '../testing/fixtures';
import { polyfillDom, renderWithProviders } from '../testing/render';
import { EXPORT_DEFAULTS, buildExportOptions, validateExportForm, type ExportFormValues } from '../utils/forms';
import { ExportOptionsFields } from './ExportOptionsFields';

beforeAll(polyfillDom);

/** The fields with their values held as the export page holds them; the latest values readable. */
const setup = (initial: Partial<ExportFormValues>) => {
  const current = { values: { ...EXPORT_DEFAULTS, ...initial } };
  const Host = () => {
    const [values, setValues] = useState(current.values);
    current.values = values;
    return (
      <ExportOptionsFields
        values={values}
        onChange={(patch) => setValues((previous) => ({ ...previous, ...patch }))}
        contentTypes={contentTypes}
        locales={locales}
        errors={validateExportForm(values)}
      />
    );
  };
  renderWithProviders(<Host />);
  return { current, user: userEvent.setup() };
};

const ARTICLE = 'api::article.article';
const jsonToggle = () => screen.getByRole('checkbox', { name: 'Advanced: JSON' });
const filtersOf = (values: ExportFormValues) =>
  buildExportOptions(values, contentTypes.find((type) => type.uid === values.contentType)).filters;

describe('ExportOptionsFields filters', () => {
  it('builds filters with rows by default, and shows them as JSON on demand', async () => {
    const { current, user } = setup({ contentType: ARTICLE });
    expect(screen.queryByRole('textbox', { name: 'Filters (JSON)' })).not.toBeInTheDocument();
    expect(jsonToggle()).not.toBeChecked();

    await user.click(screen.getByRole('button', { name: 'Add a filter' }));
    const row = within(screen.getByRole('group', { name: 'Filter 1' }));
    await user.click(row.getByRole('combobox', { name: 'Field' }));
    await user.click(await screen.findByRole('option', { name: 'views' }));
    await user.click(row.getByRole('combobox', { name: 'Operator' }));
    await user.click(await screen.findByRole('option', { name: 'is greater than' }));
    await user.type(row.getByRole('textbox', { name: 'Value' }), '100');
    expect(filtersOf(current.values)).toEqual({ views: { $gt: 100 } });

    await user.click(jsonToggle());
    const json = screen.getByRole('textbox', { name: 'Filters (JSON)' });
    expect(json).toHaveValue(JSON.stringify({ views: { $gt: 100 } }, null, 2));
    expect(screen.queryByRole('group', { name: 'Filter 1' })).not.toBeInTheDocument();

    // Edited as JSON, shown as rows again.
    await user.clear(json);
    await user.click(json);
    await user.paste('{ "$and": [ { "views": { "$lte": 5 } }, { "title": { "$containsi": "stream" } } ] }');
    await user.click(jsonToggle());
    expect(within(screen.getByRole('group', { name: 'Filter 1' })).getByRole('textbox', { name: 'Value' })).toHaveValue('5');
    expect(within(screen.getByRole('group', { name: 'Filter 2' })).getByRole('combobox', { name: 'Operator' })).toHaveTextContent(
      'contains (case insensitive)'
    );
    expect(filtersOf(current.values)).toEqual({ $and: [{ views: { $lte: 5 } }, { title: { $containsi: 'stream' } }] });

    // Removing the last row leaves no filters.
    await user.click(screen.getByRole('button', { name: 'Remove filter 2' }));
    await user.click(screen.getByRole('button', { name: 'Remove filter 1' }));
    expect(current.values.filters).toBe('');
  });

  it('opens filters the rows cannot show in JSON, until they are emptied', async () => {
    const filters = JSON.stringify({ $or: [{ views: { $gt: 1 } }, { title: { $null: true } }] });
    const { current, user } = setup({ contentType: ARTICLE, filters });
    const json = screen.getByRole('textbox', { name: 'Filters (JSON)' });
    expect(json).toHaveValue(filters);
    expect(jsonToggle()).toBeChecked();
    expect(jsonToggle()).toBeDisabled();
    expect(screen.getByText('The filter builder cannot show these filters: edit them here, or empty them to use it.')).toBeInTheDocument();

    // Emptied, the box stays (the user may be typing other filters) and may be left.
    await user.clear(json);
    expect(screen.getByRole('textbox', { name: 'Filters (JSON)' })).toBeInTheDocument();
    expect(jsonToggle()).toBeEnabled();
    await user.click(jsonToggle());
    expect(screen.getByRole('button', { name: 'Add a filter' })).toBeInTheDocument();
    expect(current.values.filters).toBe('');
  });

  it('keeps the JSON box and its validation for filters that are not JSON', async () => {
    const { user } = setup({ contentType: ARTICLE });
    await user.click(jsonToggle());
    await user.click(screen.getByRole('textbox', { name: 'Filters (JSON)' }));
    await user.paste('{"title": oops}');
    expect(screen.getByText('This is not valid JSON.')).toBeInTheDocument();
    expect(jsonToggle()).toBeDisabled();
  });

  it('shows the JSON box without a content type (no attributes to build rows from)', () => {
    setup({ filters: '{ "views": { "$gt": 1 } }' });
    expect(screen.getByRole('textbox', { name: 'Filters (JSON)' })).toHaveValue('{ "views": { "$gt": 1 } }');
    expect(screen.queryByRole('checkbox', { name: 'Advanced: JSON' })).not.toBeInTheDocument();
  });

  it('shows representable filters of a content type as rows, the Content Manager’s string values too', () => {
    setup({ contentType: ARTICLE, filters: JSON.stringify({ $and: [{ views: { $gt: '100' } }] }) });
    const row = within(screen.getByRole('group', { name: 'Filter 1' }));
    expect(row.getByRole('combobox', { name: 'Field' })).toHaveTextContent('views');
    expect(row.getByRole('textbox', { name: 'Value' })).toHaveValue('100');
  });
});

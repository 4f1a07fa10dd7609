import { Box, Checkbox, Field, Flex, Grid, Typography } from '@strapi/design-system';
import { useMemo, useState } from 'react';
import { useIntl } from 'react-intl';
import type { ContentTypeInfo, EntryStatus, Format } from '../../../shared/contracts';
import { FORMATS } from '../../../shared/contracts';
import type { I18nLocale } from '../hooks/useContentTypes';
import { useErrorMessage } from '../hooks/useErrorMessage';
import type { ExportFormField, ExportFormValues, FormErrors } from '../utils/forms';
import { filterFields, filtersToRows } from '../utils/filters';
import { parseFilters, relationKeys, relationTargets } from '../utils/forms';
import { parseSort } from '../content-manager/urls';
import { getTranslation } from '../utils/getTranslation';
import { ContentTypeField } from './ContentTypeField';
import { SelectField, TextareaField, TextField } from './fields';
import { FilterBuilder } from './FilterBuilder';
import { Section } from './Section';
import { CheckboxField, CsvDelimiterField } from './SpreadsheetFields';

export const FORMAT_LABELS: Record<Format, string> = {
  json: 'JSON',
  jsonl: 'JSONL (one item per line)',
  jsont: 'JSONT (with its settings, as Liferay batch files)',
  csv: 'CSV (spreadsheets)',
  xlsx: 'XLSX (Excel workbook)',
};

export const useFormatOptions = () => {
  const { formatMessage } = useIntl();
  return FORMATS.map((format) => ({
    value: format,
    label: formatMessage({ id: getTranslation(`format.${format}`), defaultMessage: FORMAT_LABELS[format] }),
  }));
};

export const useStatusOptions = () => {
  const { formatMessage } = useIntl();
  return [
    {
      value: 'draft' as EntryStatus,
      label: formatMessage({ id: getTranslation('form.status.draft'), defaultMessage: 'Draft' }),
    },
    {
      value: 'published' as EntryStatus,
      label: formatMessage({ id: getTranslation('form.status.published'), defaultMessage: 'Published' }),
    },
  ];
};

/** The select's value for "no locale chosen" (the form's ''; a select cannot show an empty value). */
export const DEFAULT_LOCALE = '__default__';
export const toLocaleOption = (locale: string) => locale || DEFAULT_LOCALE;
export const fromLocaleOption = (value: string) => (value === DEFAULT_LOCALE ? '' : value);

/** The locale choices: the default locale, each locale, and optionally every locale (`all`). */
export const useLocaleOptions = (locales: readonly I18nLocale[], { withAll }: { withAll: boolean }) => {
  const { formatMessage } = useIntl();
  const defaultLocale = locales.find((locale) => locale.isDefault);
  return [
    {
      value: DEFAULT_LOCALE,
      label: withAll
        ? formatMessage(
            { id: getTranslation('form.locale.default'), defaultMessage: 'Default locale ({name})' },
            { name: defaultLocale?.name ?? '-' }
          )
        : formatMessage({
            id: getTranslation('form.locale.fromFile'),
            defaultMessage: "Each item's own locale (else the default one)",
          }),
    },
    ...locales.map((locale) => ({ value: locale.code, label: `${locale.name} (${locale.code})` })),
    ...(withAll
      ? [{ value: 'all', label: formatMessage({ id: getTranslation('form.locale.all'), defaultMessage: 'All locales' }) }]
      : []),
  ];
};

export interface ExportOptionsFieldsProps {
  values: ExportFormValues;
  onChange: (patch: Partial<ExportFormValues>) => void;
  contentTypes: readonly ContentTypeInfo[];
  locales: readonly I18nLocale[];
  errors: FormErrors<ExportFormField>;
  disabled?: boolean;
}

/**
 * The export settings, shared by the export page and the template form: content type, format, locale and
 * status where the type has them, the key relations are written as, the fields, filters, and the order.
 */
export const ExportOptionsFields = ({ values, onChange, contentTypes, locales, errors, disabled }: ExportOptionsFieldsProps) => {
  const { formatMessage } = useIntl();
  const errorMessage = useErrorMessage();
  const formatOptions = useFormatOptions();
  const statusOptions = useStatusOptions();
  const localeOptions = useLocaleOptions(locales, { withAll: true });
  const contentType = contentTypes.find((candidate) => candidate.uid === values.contentType);
  const attributes = contentType?.attributes ?? [];
  const selected = values.fields ?? attributes.map((attribute) => attribute.name);
  const allSelected = attributes.length > 0 && attributes.every((attribute) => selected.includes(attribute.name));
  const hasRelations = relationTargets(contentType).length > 0;

  // Filters: the builder's rows, or the JSON text box ("Advanced: JSON", and always without a content type or for
  // filters the rows cannot show: these open, and stay, in JSON until the box is unticked).
  const [jsonMode, setJsonMode] = useState(false);
  const parsedFilters = parseFilters(values.filters);
  const fields = useMemo(() => filterFields(attributes, contentTypes), [attributes, contentTypes]);
  const canShowRows = !parsedFilters.error && filtersToRows(parsedFilters.value ?? {}, fields) !== null;
  if (contentType && !canShowRows && !jsonMode) setJsonMode(true);
  const showJson = !contentType || jsonMode || !canShowRows;

  const toggleField = (name: string, checked: boolean) => {
    const next = checked ? [...selected, name] : selected.filter((field) => field !== name);
    onChange({ fields: attributes.map((attribute) => attribute.name).filter((field) => next.includes(field)) });
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={6}>
      <Section title={formatMessage({ id: getTranslation('export.section.settings'), defaultMessage: 'Settings' })}>
        <Grid.Root gap={5}>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <ContentTypeField
              value={values.contentType}
              contentTypes={contentTypes}
              disabled={disabled}
              error={errorMessage(errors.contentType)}
              onChange={(uid) => onChange({ contentType: uid, fields: null, relationsAs: 'documentId' })}
            />
          </Grid.Item>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <SelectField
              name="format"
              label={formatMessage({ id: getTranslation('form.format'), defaultMessage: 'File format' })}
              required
              disabled={disabled}
              value={values.format}
              options={formatOptions}
              onChange={(format) => onChange({ format })}
            />
          </Grid.Item>
          {values.format === 'csv' ? (
            <>
              <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                <CsvDelimiterField value={values.csvDelimiter} disabled={disabled} onChange={(csvDelimiter) => onChange({ csvDelimiter: csvDelimiter || ',' })} />
              </Grid.Item>
              <CheckboxField
                name="csvBom"
                label={formatMessage({ id: getTranslation('form.csvBom'), defaultMessage: 'Start with a byte order mark (for Excel)' })}
                hint={formatMessage({
                  id: getTranslation('form.csvBom.hint'),
                  defaultMessage: 'Excel then reads accents and other non-English letters correctly.',
                })}
                checked={values.csvBom}
                disabled={disabled}
                onChange={(csvBom) => onChange({ csvBom })}
              />
            </>
          ) : null}
          {contentType?.localized ? (
            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
              <SelectField
                name="locale"
                label={formatMessage({ id: getTranslation('form.locale'), defaultMessage: 'Locale' })}
                disabled={disabled}
                value={toLocaleOption(values.locale)}
                options={localeOptions}
                onChange={(locale) => onChange({ locale: fromLocaleOption(locale) })}
              />
            </Grid.Item>
          ) : null}
          {contentType?.draftAndPublish ? (
            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
              <SelectField
                name="status"
                label={formatMessage({ id: getTranslation('form.status.export'), defaultMessage: 'Version' })}
                hint={formatMessage({
                  id: getTranslation('form.status.export.hint'),
                  defaultMessage: 'Drafts hold every entry; published versions only the published ones.',
                })}
                disabled={disabled}
                value={values.status}
                options={statusOptions}
                onChange={(status) => onChange({ status })}
              />
            </Grid.Item>
          ) : null}
          {hasRelations ? (
            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
              <SelectField
                name="relationsAs"
                label={formatMessage({ id: getTranslation('form.relationsAs'), defaultMessage: 'Write relations as' })}
                hint={formatMessage({
                  id: getTranslation('form.relationsAs.hint'),
                  defaultMessage: 'The key written for each related entry: its documentId, or a unique field such as a slug.',
                })}
                disabled={disabled}
                value={values.relationsAs}
                options={relationKeys(contentType, contentTypes).map((key) => ({ value: key, label: key }))}
                onChange={(relationsAs) => onChange({ relationsAs })}
              />
            </Grid.Item>
          ) : null}
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <Field.Root
              name="includeTimestamps"
              hint={formatMessage({
                id: getTranslation('form.includeTimestamps.hint'),
                defaultMessage: 'createdAt, updatedAt and publishedAt: they change on every import.',
              })}
            >
              <Box paddingTop={6}>
                <Checkbox
                  checked={values.includeTimestamps}
                  disabled={disabled}
                  onCheckedChange={(checked: boolean | 'indeterminate') => onChange({ includeTimestamps: checked === true })}
                >
                  {formatMessage({ id: getTranslation('form.includeTimestamps'), defaultMessage: 'Include timestamps' })}
                </Checkbox>
              </Box>
              <Field.Hint />
            </Field.Root>
          </Grid.Item>
        </Grid.Root>
      </Section>

      {contentType ? (
        <Section
          title={formatMessage({ id: getTranslation('export.section.fields'), defaultMessage: 'Fields' })}
          subtitle={formatMessage(
            {
              id: getTranslation('export.section.fields.subtitle'),
              defaultMessage: '{selected} of {total} fields selected. Private fields are never exported.',
            },
            { selected: selected.length, total: attributes.length }
          )}
          action={
            <Checkbox
              checked={allSelected ? true : selected.length > 0 ? 'indeterminate' : false}
              disabled={disabled}
              onCheckedChange={(checked: boolean | 'indeterminate') =>
                onChange({ fields: checked === true ? null : [] })
              }
            >
              {formatMessage({ id: getTranslation('form.fields.all'), defaultMessage: 'Select all' })}
            </Checkbox>
          }
        >
          <Field.Root name="fields" error={errorMessage(errors.fields)}>
            <Grid.Root gap={4}>
              {attributes.map((attribute) => (
                <Grid.Item key={attribute.name} col={4} s={6} xs={12} direction="column" alignItems="flex-start">
                  <Checkbox
                    checked={selected.includes(attribute.name)}
                    disabled={disabled}
                    onCheckedChange={(checked: boolean | 'indeterminate') => toggleField(attribute.name, checked === true)}
                  >
                    <Flex gap={2}>
                      <Typography textColor="neutral800">{attribute.name}</Typography>
                      <Typography variant="pi" textColor="neutral500">
                        {attribute.type}
                      </Typography>
                    </Flex>
                  </Checkbox>
                </Grid.Item>
              ))}
            </Grid.Root>
            <Field.Error />
          </Field.Root>
        </Section>
      ) : null}

      <Section
        title={formatMessage({ id: getTranslation('export.section.filters'), defaultMessage: 'Filters' })}
        subtitle={formatMessage({
          id: getTranslation('export.section.filters.subtitle'),
          defaultMessage: "Optional: only the entries that match, in Strapi's filter syntax.",
        })}
        action={
          contentType ? (
            <Checkbox
              checked={showJson}
              disabled={disabled || !canShowRows}
              onCheckedChange={(checked: boolean | 'indeterminate') => setJsonMode(checked === true)}
            >
              {formatMessage({ id: getTranslation('filters.json'), defaultMessage: 'Advanced: JSON' })}
            </Checkbox>
          ) : null
        }
      >
        {showJson ? (
          <TextareaField
            name="filters"
            label={formatMessage({ id: getTranslation('form.filters'), defaultMessage: 'Filters (JSON)' })}
            placeholder='{ "views": { "$gt": 100 } }'
            hint={
              contentType && !canShowRows
                ? formatMessage({
                    id: getTranslation('filters.json.only'),
                    defaultMessage: 'The filter builder cannot show these filters: edit them here, or empty them to use it.',
                  })
                : undefined
            }
            monospace
            disabled={disabled}
            error={errorMessage(errors.filters)}
            value={values.filters}
            onChange={(filters) => onChange({ filters })}
          />
        ) : (
          <FilterBuilder
            key={contentType?.uid}
            attributes={attributes}
            contentTypes={contentTypes}
            value={parsedFilters.value}
            disabled={disabled}
            onChange={(filters) => onChange({ filters: Object.keys(filters).length > 0 ? JSON.stringify(filters, null, 2) : '' })}
          />
        )}
      </Section>
      <Section
        title={formatMessage({ id: getTranslation('export.section.sort'), defaultMessage: 'Order' })}
        subtitle={formatMessage({
          id: getTranslation('export.section.sort.subtitle'),
          defaultMessage: 'The order of the entries in the file. Empty: by documentId.',
        })}
      >
        <TextField
          name="sort"
          label={formatMessage({ id: getTranslation('form.sort'), defaultMessage: 'Sort' })}
          placeholder="title:ASC, publishDate:DESC"
          hint={formatMessage({
            id: getTranslation('form.sort.hint'),
            defaultMessage: 'Attributes separated by commas, each with :ASC or :DESC, as the Content Manager sorts its lists.',
          })}
          error={
            errors.sort
              ? formatMessage(
                  { id: getTranslation('form.error.sort'), defaultMessage: 'Not a sort by an attribute: {entries}' },
                  { entries: parseSort(values.sort).invalid.join(', ') }
                )
              : undefined
          }
          disabled={disabled}
          value={values.sort}
          onChange={(sort) => onChange({ sort })}
        />
      </Section>
    </Flex>
  );
};

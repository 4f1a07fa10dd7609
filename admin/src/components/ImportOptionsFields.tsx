import { Grid } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import type { ContentTypeInfo, Format, ImportStrategy, OnError, UpdateStrategy } from '../../../shared/contracts';
import type { I18nLocale } from '../hooks/useContentTypes';
import { useErrorMessage } from '../hooks/useErrorMessage';
import { accessOf } from '../utils/access';
import type { FormErrors, ImportFormField, ImportFormValues } from '../utils/forms';
import { getTranslation } from '../utils/getTranslation';
import { ContentTypeField } from './ContentTypeField';
import {
  fromLocaleOption,
  toLocaleOption,
  useFormatOptions,
  useLocaleOptions,
  useStatusOptions,
} from './ExportOptionsFields';
import { RadioField, SelectField } from './fields';
import { CheckboxField, CsvDelimiterField, EncodingField } from './SpreadsheetFields';

export interface ImportOptionsFieldsProps {
  values: ImportFormValues;
  onChange: (patch: Partial<ImportFormValues>) => void;
  onContentTypeChange: (uid: string) => void;
  contentTypes: readonly ContentTypeInfo[];
  locales: readonly I18nLocale[];
  errors: FormErrors<ImportFormField>;
  disabled?: boolean;
  /** Where the content type came from, when not from the user (the file's configuration, a template). */
  contentTypeHint?: string;
  /** Where the format came from (the file's name or first bytes). */
  formatHint?: string;
  /** Where the encoding came from (the file's first bytes, guessed). */
  encodingHint?: string;
  /** A migration: the items are entries, not a file (no format, encoding, delimiter or decimal commas). */
  entries?: boolean;
}

/**
 * The import settings, shared by the import wizard and the template form: content type, format (with a text file's
 * encoding, a CSV's delimiter, decimal commas), the import and update strategies, what to do on error, the match key, and locale and status where the type has them.
 * `contentTypes` are the types the user may import into, limited to what the user may use (`importableTypes`):
 * `add-only` and `skip-existing` show only with Create, `published` only with Publish, each with a hint when it is missing.
 */
export const ImportOptionsFields = ({
  values,
  onChange,
  onContentTypeChange,
  contentTypes,
  locales,
  errors,
  disabled,
  contentTypeHint,
  formatHint,
  encodingHint,
  entries = false,
}: ImportOptionsFieldsProps) => {
  const { formatMessage } = useIntl();
  const errorMessage = useErrorMessage();
  const formatOptions = useFormatOptions();
  const statusOptions = useStatusOptions();
  const localeOptions = useLocaleOptions(locales, { withAll: false });
  const contentType = contentTypes.find((candidate) => candidate.uid === values.contentType);
  const matchKeys = contentType?.matchKeys ?? ['documentId'];
  const access = contentType ? accessOf(contentType) : null;
  const canCreate = access?.create ?? true;
  const canUpdate = access?.update ?? true;
  const canPublish = access?.publish ?? true;

  return (
    <Grid.Root gap={5}>
      <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
        <ContentTypeField
          value={values.contentType}
          contentTypes={contentTypes}
          disabled={disabled}
          hint={contentTypeHint}
          error={errorMessage(errors.contentType)}
          onChange={onContentTypeChange}
        />
      </Grid.Item>
      {entries ? null : (
        <>
          <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
            <SelectField<Format>
              name="format"
              label={formatMessage({ id: getTranslation('form.format'), defaultMessage: 'File format' })}
              placeholder={formatMessage({ id: getTranslation('form.format.auto'), defaultMessage: 'From the file' })}
              hint={formatHint}
              disabled={disabled}
              value={values.format}
              options={formatOptions}
              onChange={(format) => onChange({ format })}
            />
          </Grid.Item>
          {values.format === 'csv' ? (
            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
              <CsvDelimiterField
                detect
                value={values.csvDelimiter}
                disabled={disabled}
                onChange={(csvDelimiter) => onChange({ csvDelimiter })}
              />
            </Grid.Item>
          ) : null}
          {values.format !== 'xlsx' ? (
            <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
              <EncodingField
                value={values.encoding}
                hint={encodingHint}
                disabled={disabled}
                onChange={(encoding) => onChange({ encoding })}
              />
            </Grid.Item>
          ) : null}
          {values.format === 'csv' || values.format === 'xlsx' ? (
            <CheckboxField
              name="decimalComma"
              label={formatMessage({
                id: getTranslation('form.decimalComma'),
                defaultMessage: 'Numbers use a decimal comma',
              })}
              hint={formatMessage({
                id: getTranslation('form.decimalComma.hint'),
                defaultMessage:
                  '48,8566 is read as 48.8566, and 1.234,5 as 1234.5 (dots or spaces group the thousands).',
              })}
              checked={values.decimalComma}
              disabled={disabled}
              onChange={(decimalComma) => onChange({ decimalComma })}
            />
          ) : null}
        </>
      )}
      <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
        <RadioField<ImportStrategy>
          name="importStrategy"
          label={formatMessage({ id: getTranslation('form.importStrategy'), defaultMessage: 'Import strategy' })}
          hint={
            !canCreate
              ? formatMessage({
                  id: getTranslation('access.noCreate'),
                  defaultMessage:
                    'You may not create entries of this type in the Content Manager: only existing entries are updated; new ones fail.',
                })
              : !canUpdate
              ? formatMessage({
                  id: getTranslation('access.noUpdate'),
                  defaultMessage:
                    'You may not update entries of this type in the Content Manager: only new entries are created; existing ones fail.',
                })
              : undefined
          }
          disabled={disabled}
          value={values.importStrategy}
          options={[
            {
              value: 'upsert',
              label: formatMessage({
                id: getTranslation('form.importStrategy.upsert'),
                defaultMessage: 'Add or update records',
              }),
              hint: formatMessage({
                id: getTranslation('form.importStrategy.upsert.hint'),
                defaultMessage: 'New entries are created; an entry that already exists is updated.',
              }),
            },
            ...(canCreate
              ? [
                  {
                    value: 'add-only' as const,
                    label: formatMessage({
                      id: getTranslation('form.importStrategy.addOnly'),
                      defaultMessage: 'Only add new records',
                    }),
                    hint: formatMessage({
                      id: getTranslation('form.importStrategy.addOnly.hint'),
                      defaultMessage: 'An entry that already exists is an error.',
                    }),
                  },
                  {
                    value: 'skip-existing' as const,
                    label: formatMessage({
                      id: getTranslation('form.importStrategy.skipExisting'),
                      defaultMessage: 'Only add new records, skip existing ones',
                    }),
                    hint: formatMessage({
                      id: getTranslation('form.importStrategy.skipExisting.hint'),
                      defaultMessage: 'An entry that already exists is left as it is and counted as skipped.',
                    }),
                  },
                ]
              : []),
          ]}
          onChange={(importStrategy) => onChange({ importStrategy })}
        />
      </Grid.Item>
      <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
        <RadioField<UpdateStrategy>
          name="updateStrategy"
          label={formatMessage({ id: getTranslation('form.updateStrategy'), defaultMessage: 'Update strategy' })}
          disabled={disabled || values.importStrategy !== 'upsert' || !canUpdate}
          value={values.updateStrategy}
          options={[
            {
              value: 'patch',
              label: formatMessage({
                id: getTranslation('form.updateStrategy.patch'),
                defaultMessage: 'Update changed fields',
              }),
              hint: formatMessage({
                id: getTranslation('form.updateStrategy.patch.hint'),
                defaultMessage: 'Only the fields present in the file change; the others keep their values.',
              }),
            },
            {
              value: 'overwrite',
              label: formatMessage({
                id: getTranslation('form.updateStrategy.overwrite'),
                defaultMessage: 'Overwrite records',
              }),
              hint: formatMessage({
                id: getTranslation('form.updateStrategy.overwrite.hint'),
                defaultMessage:
                  'The entry becomes exactly what the file says; fields absent from the file are emptied.',
              }),
            },
          ]}
          onChange={(updateStrategy) => onChange({ updateStrategy })}
        />
      </Grid.Item>
      <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
        <RadioField<OnError>
          name="onError"
          label={formatMessage({ id: getTranslation('form.onError'), defaultMessage: 'On error' })}
          disabled={disabled}
          value={values.onError}
          options={[
            {
              value: 'stop',
              label: formatMessage({
                id: getTranslation('form.onError.stop'),
                defaultMessage: 'Stop at the first error',
              }),
              hint: formatMessage({
                id: getTranslation('form.onError.stop.hint'),
                defaultMessage: 'The import runs in one transaction: on an error, nothing of it is kept.',
              }),
            },
            {
              value: 'continue',
              label: formatMessage({
                id: getTranslation('form.onError.continue'),
                defaultMessage: 'Skip failed items and continue',
              }),
              hint: formatMessage({
                id: getTranslation('form.onError.continue.hint'),
                defaultMessage: 'The other items are written; the failed ones are listed in the error report.',
              }),
            },
          ]}
          onChange={(onError) => onChange({ onError })}
        />
      </Grid.Item>
      <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
        <SelectField
          name="matchBy"
          label={formatMessage({ id: getTranslation('form.matchBy'), defaultMessage: 'Match existing entries by' })}
          hint={formatMessage({
            id: getTranslation('form.matchBy.hint'),
            defaultMessage: 'The unique field that tells whether an entry of the file already exists.',
          })}
          disabled={disabled}
          value={matchKeys.includes(values.matchBy) ? values.matchBy : 'documentId'}
          options={matchKeys.map((key) => ({ value: key, label: key }))}
          onChange={(matchBy) => onChange({ matchBy })}
        />
      </Grid.Item>
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
            label={formatMessage({ id: getTranslation('form.status.import'), defaultMessage: 'Import as' })}
            hint={
              canPublish
                ? formatMessage({
                    id: getTranslation('form.status.import.hint'),
                    defaultMessage: 'Drafts, or published entries (their draft is written too).',
                  })
                : formatMessage({
                    id: getTranslation('access.noPublish'),
                    defaultMessage: 'Drafts only: you may not publish entries of this type in the Content Manager.',
                  })
            }
            disabled={disabled}
            value={canPublish || values.status !== 'published' ? values.status : 'draft'}
            options={canPublish ? statusOptions : statusOptions.filter((option) => option.value !== 'published')}
            onChange={(status) => onChange({ status })}
          />
        </Grid.Item>
      ) : null}
      <CheckboxField
        name="lifecycles"
        label={formatMessage({
          id: getTranslation('form.lifecycles'),
          defaultMessage: 'Run lifecycle hooks and entry webhooks',
        })}
        hint={formatMessage({
          id: getTranslation('form.lifecycles.hint'),
          defaultMessage:
            "Every entry goes through Strapi's Document Service, so that the app's lifecycle hooks and the entry webhooks (entry.create, entry.update, entry.publish) fire for each one. Slower than the default bulk writes.",
        })}
        checked={values.lifecycles === 'run'}
        disabled={disabled}
        onChange={(run) => onChange({ lifecycles: run ? 'run' : 'skip' })}
      />
    </Grid.Root>
  );
};

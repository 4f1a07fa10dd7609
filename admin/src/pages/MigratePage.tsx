import { Box, Button, Field, Flex, Grid, MultiSelect, MultiSelectOption, Typography } from '@strapi/design-system';
import { Play } from '@strapi/icons';
import { BackButton, Layouts, Page } from '@strapi/strapi/admin';
import { useMemo, useState, type FormEvent } from 'react';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router-dom';
import type { ContentTypeInfo, MigrationOptions, MigrationSource, Task } from '../../../shared/contracts';
import { ContentTypeField } from '../components/ContentTypeField';
import { FieldMappingTable } from '../components/FieldMappingTable';
import { FilterBuilder } from '../components/FilterBuilder';
import { ImportOptionsFields } from '../components/ImportOptionsFields';
import { NoContentTypes } from '../components/NoContentTypes';
import { Section } from '../components/Section';
import { TaskProgressModal } from '../components/TaskProgressModal';
import { useApi } from '../hooks/useApi';
import { useErrorMessage } from '../hooks/useErrorMessage';
import { useExportableTypes, useImportableTypes, useLocales } from '../hooks/useContentTypes';
import {
  buildImportOptions,
  IMPORT_DEFAULTS,
  type FormErrors,
  type ImportFormField,
  type ImportFormValues,
} from '../utils/forms';
import { autoMatch, mappingTargets, type MappingTarget } from '../utils/mapping';
import { getTranslation } from '../utils/getTranslation';

/**
 * The mapping targets of a migration: the target's attributes and, for each relation, `<relation>.<key>` for every
 * unique key of its target (a text field of emails becomes the relation to the author with that email).
 */
export const migrationTargets = (
  target: ContentTypeInfo,
  contentTypes: readonly ContentTypeInfo[]
): MappingTarget[] => {
  const byUid = new Map(contentTypes.map((contentType) => [contentType.uid, contentType]));
  const relationKeys = target.attributes.flatMap((attribute) =>
    attribute.type === 'relation' && attribute.target
      ? (byUid.get(attribute.target)?.matchKeys ?? [])
          .filter((key) => key !== 'documentId')
          .map((key): MappingTarget => ({ path: `${attribute.name}.${key}`, type: 'relation', required: false }))
      : []
  );
  return [...mappingTargets(target), ...relationKeys];
};

/** The body of POST /migration-tasks from the form. */
export const buildMigration = (
  source: MigrationSource,
  values: ImportFormValues,
  target: ContentTypeInfo | undefined,
  { dryRun = false }: { dryRun?: boolean } = {}
): MigrationOptions => {
  const {
    format: _format,
    encoding: _encoding,
    csvDelimiter: _delimiter,
    decimalComma: _comma,
    ...options
  } = buildImportOptions(values, target, { dryRun });
  return { ...options, source };
};

const MIGRATION_DEFAULTS: ImportFormValues = { ...IMPORT_DEFAULTS, format: '' };

/**
 * New migration: the entries of a content type (fields and filters) are imported into the same type or another,
 * with a mapping and an import's settings. "Dry run" counts what it would do and writes nothing; "Start migration"
 * runs it. Both follow the task in a window. Source types are those the user may read, targets those the user may
 * write (Content Manager).
 */
export const MigratePage = () => {
  const { formatMessage } = useIntl();
  const navigate = useNavigate();
  const api = useApi();
  const errorMessage = useErrorMessage();
  const readable = useExportableTypes();
  const writable = useImportableTypes();
  const { locales } = useLocales(writable.contentTypes.some((contentType) => contentType.localized));

  const [sourceUid, setSourceUid] = useState('');
  const [fields, setFields] = useState<string[]>([]);
  const [filters, setFilters] = useState<Record<string, unknown>>({});
  const [values, setValues] = useState<ImportFormValues>(MIGRATION_DEFAULTS);
  const [errors, setErrors] = useState<FormErrors<ImportFormField | 'source' | 'fields'>>({});
  const [task, setTask] = useState<Task | null>(null);
  const [isStarting, setIsStarting] = useState(false);

  const source = readable.byUid.get(sourceUid);
  const target = writable.byUid.get(values.contentType);
  const targets = useMemo(() => (target ? migrationTargets(target, writable.all) : []), [target, writable.all]);

  /** Rows for the chosen fields, matched by name to the target's attributes (kept where the user chose). */
  const remap = (
    chosen: string[],
    next: ImportFormValues,
    nextTarget: ContentTypeInfo | undefined
  ): ImportFormValues => {
    const paths = nextTarget ? migrationTargets(nextTarget, writable.all).map((t) => t.path) : [];
    const kept = new Map(next.mapping.map((row) => [row.source, row]));
    const matched = new Map(autoMatch(chosen, paths).map((row) => [row.source, row]));
    return {
      ...next,
      mapping: chosen.map((field) => kept.get(field) ?? matched.get(field) ?? { source: field, target: null }),
    };
  };

  const chooseSource = (uid: string) => {
    setSourceUid(uid);
    setFields([]);
    setFilters({});
    // The same type by default: an in-place migration.
    const sameType = writable.byUid.get(uid);
    const next = { ...values, contentType: sameType ? uid : values.contentType, mapping: [] };
    setValues(next);
    setErrors({});
  };

  const chooseFields = (chosen: string[]) => {
    const ordered = (source?.attributes ?? [])
      .map((attribute) => attribute.name)
      .filter((name) => chosen.includes(name));
    setFields(ordered);
    setValues(remap(ordered, values, target));
  };

  const chooseTarget = (uid: string) => {
    const next = { ...values, contentType: uid, matchBy: 'documentId', mapping: [] };
    setValues(remap(fields, next, writable.byUid.get(uid)));
  };

  const start = async (dryRun: boolean) => {
    const found: typeof errors = {};
    if (!sourceUid) found.source = 'required';
    if (fields.length === 0) found.fields = 'required';
    if (!values.contentType) found.contentType = 'required';
    setErrors(found);
    if (Object.keys(found).length > 0 || !source) return;
    const migrationSource: MigrationSource = {
      contentType: sourceUid,
      fields,
      ...(Object.keys(filters).length > 0 ? { filters } : {}),
    };
    setIsStarting(true);
    const started = await api.startMigration(buildMigration(migrationSource, values, target, { dryRun }));
    setIsStarting(false);
    if (started) setTask(started);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void start(false);
  };

  const title = formatMessage({ id: getTranslation('migrate.title'), defaultMessage: 'Migrate entries' });
  if (readable.isLoading || writable.isLoading) return <Page.Loading />;
  if (readable.isError || writable.isError) return <Page.Error />;
  if (readable.contentTypes.length === 0 || writable.contentTypes.length === 0) return <NoContentTypes kind="import" />;

  return (
    <Layouts.Root>
      <Page.Title>{title}</Page.Title>
      <Page.Main>
        <form onSubmit={submit} noValidate>
          <Layouts.Header
            navigationAction={<BackButton fallback=".." />}
            title={title}
            subtitle={formatMessage({
              id: getTranslation('migrate.subtitle'),
              defaultMessage: 'Reshape entries already in this project: into the same content type, or another one.',
            })}
            primaryAction={
              <Flex gap={2}>
                <Button type="button" variant="secondary" loading={isStarting} onClick={() => void start(true)}>
                  {formatMessage({ id: getTranslation('migrate.dryRun'), defaultMessage: 'Dry run' })}
                </Button>
                <Button type="submit" startIcon={<Play />} loading={isStarting}>
                  {formatMessage({ id: getTranslation('migrate.start'), defaultMessage: 'Start migration' })}
                </Button>
              </Flex>
            }
          />
          <Layouts.Content>
            <Flex direction="column" alignItems="stretch" gap={6}>
              <Section
                title={formatMessage({
                  id: getTranslation('migrate.section.source'),
                  defaultMessage: 'Source entries',
                })}
                subtitle={formatMessage({
                  id: getTranslation('migrate.section.source.subtitle'),
                  defaultMessage:
                    'The entries read when the migration starts (a snapshot): their content type, the fields migrated and which entries.',
                })}
              >
                <Grid.Root gap={5}>
                  <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                    <ContentTypeField
                      value={sourceUid}
                      contentTypes={readable.contentTypes}
                      error={errorMessage(errors.source)}
                      onChange={chooseSource}
                    />
                  </Grid.Item>
                  <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                    <Field.Root name="fields" error={errorMessage(errors.fields)} required>
                      <Field.Label>
                        {formatMessage({ id: getTranslation('migrate.fields'), defaultMessage: 'Fields to migrate' })}
                      </Field.Label>
                      <MultiSelect
                        value={fields}
                        disabled={!source}
                        withTags
                        placeholder={formatMessage({
                          id: getTranslation('migrate.fields.placeholder'),
                          defaultMessage: 'Choose fields',
                        })}
                        onChange={(chosen: string[]) => chooseFields(chosen)}
                      >
                        {(source?.attributes ?? []).map((attribute) => (
                          <MultiSelectOption key={attribute.name} value={attribute.name}>
                            {attribute.name}
                          </MultiSelectOption>
                        ))}
                      </MultiSelect>
                      <Field.Error />
                    </Field.Root>
                  </Grid.Item>
                  {source ? (
                    <Grid.Item col={12} direction="column" alignItems="stretch">
                      <Typography variant="pi" fontWeight="bold">
                        {formatMessage({ id: getTranslation('migrate.filters'), defaultMessage: 'Which entries' })}
                      </Typography>
                      <Box paddingTop={2}>
                        <FilterBuilder
                          attributes={source.attributes}
                          contentTypes={readable.all}
                          value={filters}
                          onChange={setFilters}
                        />
                      </Box>
                    </Grid.Item>
                  ) : null}
                </Grid.Root>
              </Section>

              <Section
                title={formatMessage({ id: getTranslation('migrate.section.target'), defaultMessage: 'Target' })}
              >
                <ImportOptionsFields
                  entries
                  values={values}
                  onChange={(patch) => setValues({ ...values, ...patch })}
                  onContentTypeChange={chooseTarget}
                  contentTypes={writable.contentTypes}
                  locales={locales}
                  errors={errors}
                />
              </Section>

              <Section
                title={formatMessage({ id: getTranslation('import.section.mapping'), defaultMessage: 'Field mapping' })}
                subtitle={formatMessage({
                  id: getTranslation('migrate.section.mapping.subtitle'),
                  defaultMessage:
                    'Which attribute of the target each field goes to; a relation can be found by a unique field of its target (author.email).',
                })}
              >
                {values.mapping.length > 0 ? (
                  <FieldMappingTable
                    rows={values.mapping}
                    targets={targets}
                    onChange={(mapping) => setValues({ ...values, mapping })}
                  />
                ) : (
                  <Box padding={4} background="neutral100" hasRadius>
                    <Typography textColor="neutral600">
                      {formatMessage({
                        id: getTranslation('migrate.mapping.none'),
                        defaultMessage: 'Choose the source and the fields to migrate.',
                      })}
                    </Typography>
                  </Box>
                )}
              </Section>
            </Flex>
          </Layouts.Content>
        </form>
      </Page.Main>
      <TaskProgressModal
        task={task}
        onClose={() => {
          const finished = task;
          setTask(null);
          // After a dry run the form stays, to run it for real; after the migration, back to the tasks.
          if (!finished?.options || !('dryRun' in finished.options) || finished.options.dryRun !== true) navigate('..');
        }}
      />
    </Layouts.Root>
  );
};

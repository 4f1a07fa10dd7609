import { Box, Button, Checkbox, Field, Flex, Grid, Typography } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import { BackButton, Layouts, Page } from '@strapi/strapi/admin';
import { useState, type FormEvent } from 'react';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router-dom';
import type { BundleExportOptions, Task } from '../../../shared/contracts';
import { TextField, Toggle } from '../components/fields';
import { NoContentTypes } from '../components/NoContentTypes';
import { Section } from '../components/Section';
import { TaskProgressModal } from '../components/TaskProgressModal';
import { useApi } from '../hooks/useApi';
import { useExportableTypes } from '../hooks/useContentTypes';
import { getTranslation } from '../utils/getTranslation';

export interface BundleExportValues {
  name: string;
  /** Every type the user may read (`types: "all"`), or the chosen ones. */
  all: boolean;
  types: string[];
  withDependencies: boolean;
  media: boolean;
  definitions: boolean;
}

export const BUNDLE_EXPORT_DEFAULTS: BundleExportValues = { name: '', all: false, types: [], withDependencies: true, media: false, definitions: false };

/** The request of POST /bundle-exports for the form's values (each chosen type with its defaults). */
export const buildBundleExportOptions = (values: BundleExportValues): BundleExportOptions => ({
  types: values.all ? 'all' : values.types.map((contentType) => ({ contentType })),
  withDependencies: values.withDependencies,
  media: values.media,
  definitions: values.definitions,
  ...(values.name.trim() ? { name: values.name.trim() } : {}),
});

/**
 * New bundle export (docs/bundles.md): several content types in one zip, with what their entries refer to
 * ("with dependencies"), the files they use and the definitions on request. Each type goes with a single-type
 * export's defaults (every readable field, every locale, drafts and published versions); per-type fields and
 * filters are set through a bundle template or the API. Only the types the user may read are offered.
 */
export const BundleExportPage = () => {
  const { formatMessage } = useIntl();
  const navigate = useNavigate();
  const { contentTypes, isLoading, isError } = useExportableTypes();
  const api = useApi();
  const [values, setValues] = useState<BundleExportValues>(BUNDLE_EXPORT_DEFAULTS);
  const [submitted, setSubmitted] = useState(false);
  const [isStarting, setIsStarting] = useState(false);
  const [task, setTask] = useState<Task | null>(null);

  const change = (patch: Partial<BundleExportValues>) => setValues((current) => ({ ...current, ...patch }));
  const noType = !values.all && values.types.length === 0;
  const title = formatMessage({ id: getTranslation('bundleExport.title'), defaultMessage: 'New bundle export' });

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    if (noType) return;
    setIsStarting(true);
    const started = await api.startBundleExport(buildBundleExportOptions(values));
    setIsStarting(false);
    if (started) setTask(started);
  };

  if (isLoading) return <Page.Loading />;
  if (isError && contentTypes.length === 0) return <Page.Error />;

  return (
    <Layouts.Root>
      <Page.Title>{title}</Page.Title>
      <Page.Main>
        <form onSubmit={submit} noValidate>
          <Layouts.Header
            navigationAction={<BackButton fallback=".." />}
            title={title}
            subtitle={formatMessage({
              id: getTranslation('bundleExport.subtitle'),
              defaultMessage: 'Several content types in one zip, with what they refer to, to import into another environment',
            })}
            primaryAction={
              contentTypes.length > 0 ? (
                <Button type="submit" startIcon={<Download />} loading={isStarting}>
                  {formatMessage({ id: getTranslation('actions.export'), defaultMessage: 'Export' })}
                </Button>
              ) : null
            }
          />
          <Layouts.Content>
            {contentTypes.length === 0 ? (
              <NoContentTypes kind="export" />
            ) : (
              <Flex direction="column" alignItems="stretch" gap={6}>
                <Section title={formatMessage({ id: getTranslation('bundleExport.section.bundle'), defaultMessage: 'Bundle' })}>
                  <Grid.Root gap={5}>
                    <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                      <TextField
                        name="name"
                        label={formatMessage({ id: getTranslation('form.name'), defaultMessage: 'Name' })}
                        hint={formatMessage({ id: getTranslation('bundleExport.name.hint'), defaultMessage: 'The zip is downloaded under this name, with .zip' })}
                        value={values.name}
                        onChange={(name) => change({ name })}
                      />
                    </Grid.Item>
                    <Grid.Item col={6} s={12} direction="column" alignItems="stretch" gap={3}>
                      <Toggle
                        name="withDependencies"
                        label={formatMessage({ id: getTranslation('bundleExport.withDependencies'), defaultMessage: 'With dependencies' })}
                        hint={formatMessage({
                          id: getTranslation('bundleExport.withDependencies.hint'),
                          defaultMessage: 'Also every entry the chosen entries refer to (relations, components), and only those',
                        })}
                        checked={values.withDependencies}
                        onChange={(withDependencies) => change({ withDependencies })}
                      />
                      <Toggle
                        name="media"
                        label={formatMessage({ id: getTranslation('bundleExport.media'), defaultMessage: 'Media files' })}
                        hint={formatMessage({ id: getTranslation('bundleExport.media.hint'), defaultMessage: 'Carry the files the entries use, each once' })}
                        checked={values.media}
                        onChange={(media) => change({ media })}
                      />
                      <Toggle
                        name="definitions"
                        label={formatMessage({ id: getTranslation('bundleExport.definitions'), defaultMessage: 'Definitions' })}
                        hint={formatMessage({
                          id: getTranslation('bundleExport.definitions.hint'),
                          defaultMessage: 'Carry the content-type and component definitions, to create them in the other environment',
                        })}
                        checked={values.definitions}
                        onChange={(definitions) => change({ definitions })}
                      />
                    </Grid.Item>
                  </Grid.Root>
                </Section>
                <Section
                  title={formatMessage({ id: getTranslation('bundleExport.section.types'), defaultMessage: 'Content types' })}
                  subtitle={formatMessage({
                    id: getTranslation('bundleExport.section.types.subtitle'),
                    defaultMessage: 'Each with all of its entries: every locale, drafts and published versions, every field you may read.',
                  })}
                >
                  <Field.Root
                    name="types"
                    error={
                      submitted && noType
                        ? formatMessage({ id: getTranslation('bundleExport.types.required'), defaultMessage: 'Choose at least one content type.' })
                        : undefined
                    }
                  >
                    <Flex direction="column" alignItems="stretch" gap={3}>
                      <Checkbox checked={values.all} onCheckedChange={(checked: boolean | 'indeterminate') => change({ all: checked === true })}>
                        {formatMessage({ id: getTranslation('bundleExport.types.all'), defaultMessage: 'All content types' })}
                      </Checkbox>
                      <Box paddingLeft={4}>
                        <Grid.Root gap={2}>
                          {contentTypes.map((contentType) => (
                            <Grid.Item key={contentType.uid} col={4} s={12}>
                              <Checkbox
                                disabled={values.all}
                                checked={values.all || values.types.includes(contentType.uid)}
                                onCheckedChange={(checked: boolean | 'indeterminate') =>
                                  change({
                                    types:
                                      checked === true
                                        ? [...values.types, contentType.uid]
                                        : values.types.filter((uid) => uid !== contentType.uid),
                                  })
                                }
                              >
                                {contentType.displayName}
                              </Checkbox>
                            </Grid.Item>
                          ))}
                        </Grid.Root>
                      </Box>
                      <Field.Error />
                    </Flex>
                  </Field.Root>
                  <Typography variant="pi" textColor="neutral600">
                    {formatMessage({
                      id: getTranslation('bundleExport.types.templates'),
                      defaultMessage: 'Fields, filters and import settings per type: save them in a bundle template (API) and run it from the Templates tab.',
                    })}
                  </Typography>
                </Section>
              </Flex>
            )}
          </Layouts.Content>
        </form>
      </Page.Main>
      <TaskProgressModal
        task={task}
        onClose={() => {
          setTask(null);
          navigate('..');
        }}
      />
    </Layouts.Root>
  );
};

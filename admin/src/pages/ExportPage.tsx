import { Button, Flex, Grid } from '@strapi/design-system';
import { Download } from '@strapi/icons';
import { BackButton, Layouts, Page } from '@strapi/strapi/admin';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useIntl } from 'react-intl';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { Task, Template } from '../../../shared/contracts';
import { ExportOptionsFields } from '../components/ExportOptionsFields';
import { TextField } from '../components/fields';
import { NoContentTypes } from '../components/NoContentTypes';
import { SaveTemplateModal } from '../components/SaveTemplateModal';
import { Section } from '../components/Section';
import { ExportSecretsFields, NO_SECRETS, secretsOption, useSecretsError, type SecretsValue } from '../components/SecretsFields';
import { TaskProgressModal } from '../components/TaskProgressModal';
import { TemplatePicker } from '../components/TemplatePicker';
import { readExportPrefill } from '../content-manager/urls';
import { useApi } from '../hooks/useApi';
import { useExportableTypes, useLocales } from '../hooks/useContentTypes';
import { usePermissions } from '../hooks/usePermissions';
import { useSaveTemplate, useTemplates } from '../hooks/useTemplates';
import { allowedExportValues } from '../utils/access';
import {
  buildExportOptions,
  EXPORT_DEFAULTS,
  exportValuesFromTemplate,
  templateOptions,
  validateExportForm,
  type ExportFormField,
  type ExportFormValues,
  type FormErrors,
} from '../utils/forms';
import { getTranslation } from '../utils/getTranslation';

const hasErrors = (errors: object) => Object.keys(errors).length > 0;

/** The form's values with what the query string gives (`?contentType=&filters=&sort=&locale=&status=`). */
const initialValues = (prefill: ReturnType<typeof readExportPrefill>): ExportFormValues => ({
  ...EXPORT_DEFAULTS,
  ...(prefill.contentType ? { contentType: prefill.contentType } : {}),
  ...(prefill.filters ? { filters: prefill.filters } : {}),
  ...(prefill.sort ? { sort: prefill.sort } : {}),
  ...(prefill.locale ? { locale: prefill.locale } : {}),
  ...(prefill.status ? { status: prefill.status } : {}),
});

/**
 * New export: an optional template, the content type, format, fields, locale, status, relation key,
 * filters and sort; "Export" starts the task and follows it in a window with a Download button when done.
 * Only what the user may read in the Content Manager is offered: the types with Read, their readable fields.
 * The query string may start it from a template (`?templateId=`), or with the type, filters, sort, locale and
 * status the Content Manager's list view passes (its Export controls, see content-manager/urls.ts).
 */
export const ExportPage = () => {
  const { formatMessage } = useIntl();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const { canManageTemplates } = usePermissions();
  const { contentTypes, byUid, isLoading, isError } = useExportableTypes();
  const { locales } = useLocales(contentTypes.some((contentType) => contentType.localized));
  const { templates: allTemplates } = useTemplates('export');
  // Templates of types this user may not export would only fail: not offered.
  const templates = useMemo(() => allTemplates.filter((candidate) => byUid.has(candidate.contentType)), [allTemplates, byUid]);
  const api = useApi();
  const createTemplate = useSaveTemplate();

  const prefill = useMemo(() => readExportPrefill(searchParams), [searchParams]);
  const [values, setValues] = useState<ExportFormValues>(() => initialValues(prefill));
  const [errors, setErrors] = useState<FormErrors<ExportFormField>>({});
  const [submitted, setSubmitted] = useState(false);
  const [isStarting, setIsStarting] = useState(false);
  const [task, setTask] = useState<Task | null>(null);
  const [isSavingTemplate, setIsSavingTemplate] = useState(false);
  // Never part of `values` (a template is saved from them): the password goes with the request that starts the task.
  const [secrets, setSecrets] = useState<SecretsValue>(NO_SECRETS);
  const secretsError = useSecretsError();

  // `?templateId=` (Templates tab, "Run" with changes): start from that template once the list is here.
  const requestedTemplate = searchParams.get('templateId');
  const appliedTemplate = useRef<string | null>(null);
  useEffect(() => {
    const template = templates.find((candidate) => String(candidate.id) === requestedTemplate);
    if (!template || appliedTemplate.current === requestedTemplate) return;
    appliedTemplate.current = requestedTemplate;
    setValues((current) => allowedExportValues({ ...exportValuesFromTemplate(template), name: current.name }, contentTypes));
  }, [requestedTemplate, templates, contentTypes]);

  // `?contentType=` (the Content Manager's list view): once the types are here, kept within what the user may read
  // (a type the user may not export is cleared).
  const checkedPrefill = useRef(false);
  useEffect(() => {
    if (isLoading || checkedPrefill.current) return;
    checkedPrefill.current = true;
    setValues((current) => allowedExportValues(current, contentTypes));
  }, [isLoading, contentTypes]);

  const contentType = byUid.get(values.contentType);
  const change = (patch: Partial<ExportFormValues>) => {
    const next = allowedExportValues({ ...values, ...patch }, contentTypes);
    setValues(next);
    if (submitted) setErrors(validateExportForm(next));
  };

  const pickTemplate = (template: Template | null) => {
    setValues((current) =>
      template
        ? allowedExportValues({ ...exportValuesFromTemplate(template), name: current.name }, contentTypes)
        : { ...current, templateId: null }
    );
  };

  const validate = () => {
    setSubmitted(true);
    const found = validateExportForm(values);
    setErrors(found);
    return !hasErrors(found);
  };

  const carriesSecrets = secrets.enabled && (values.format === 'json' || values.format === 'jsont');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!validate() || (carriesSecrets && secretsError(secrets))) return;
    setIsStarting(true);
    const options = buildExportOptions({ ...values, name: values.name || defaultName }, contentType);
    const started = await api.startExport(carriesSecrets ? { ...options, secrets: secretsOption(secrets) } : options);
    setIsStarting(false);
    if (started) setTask(started);
  };

  const saveTemplate = async ({ name, description }: { name: string; description: string | null }) => {
    const template = await createTemplate({
      name,
      kind: 'export',
      contentType: values.contentType,
      options: templateOptions(buildExportOptions(values, contentType)),
      description,
    });
    if (!template) return false;
    setValues((current) => ({ ...current, templateId: template.id }));
    return true;
  };

  const title = formatMessage({ id: getTranslation('export.title'), defaultMessage: 'New export' });
  const defaultName = useMemo(
    () =>
      contentType
        ? formatMessage(
            { id: getTranslation('export.defaultName'), defaultMessage: '{name} export' },
            { name: contentType.displayName }
          )
        : '',
    [contentType, formatMessage]
  );

  if (isLoading) return <Page.Loading />;

  // No type at all (and not because the list could not load): the user has no Content Manager permission for it.
  if (isError && contentTypes.length === 0) return <Page.Error />;
  if (contentTypes.length === 0) {
    return (
      <Layouts.Root>
        <Page.Title>{title}</Page.Title>
        <Page.Main>
          <Layouts.Header navigationAction={<BackButton fallback=".." />} title={title} />
          <Layouts.Content>
            <NoContentTypes kind="export" />
          </Layouts.Content>
        </Page.Main>
      </Layouts.Root>
    );
  }

  return (
    <Layouts.Root>
      <Page.Title>{title}</Page.Title>
      <Page.Main>
        <form onSubmit={submit} noValidate>
          <Layouts.Header
            navigationAction={<BackButton fallback=".." />}
            title={title}
            subtitle={formatMessage({
              id: getTranslation('export.subtitle'),
              defaultMessage: 'Write the entries of a content type to a file',
            })}
            primaryAction={
              <Flex gap={2}>
                {canManageTemplates ? (
                  <Button
                    type="button"
                    variant="secondary"
                    onClick={() => validate() && setIsSavingTemplate(true)}
                  >
                    {formatMessage({ id: getTranslation('actions.saveAsTemplate'), defaultMessage: 'Save as template' })}
                  </Button>
                ) : null}
                <Button type="submit" startIcon={<Download />} loading={isStarting}>
                  {formatMessage({ id: getTranslation('actions.export'), defaultMessage: 'Export' })}
                </Button>
              </Flex>
            }
          />
          <Layouts.Content>
            <Flex direction="column" alignItems="stretch" gap={6}>
              <Section title={formatMessage({ id: getTranslation('export.section.task'), defaultMessage: 'Export' })}>
                <Grid.Root gap={5}>
                  <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                    <TextField
                      name="name"
                      label={formatMessage({ id: getTranslation('form.name'), defaultMessage: 'Name' })}
                      placeholder={defaultName}
                      value={values.name}
                      onChange={(name) => change({ name })}
                    />
                  </Grid.Item>
                  <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                    <TemplatePicker
                      templates={templates}
                      contentTypes={contentTypes}
                      value={values.templateId}
                      onChange={pickTemplate}
                    />
                  </Grid.Item>
                </Grid.Root>
              </Section>
              <ExportOptionsFields
                values={values}
                onChange={change}
                contentTypes={contentTypes}
                locales={locales}
                errors={errors}
              />
              <Section title={formatMessage({ id: getTranslation('secrets.section'), defaultMessage: 'Private fields' })}>
                <ExportSecretsFields
                  value={secrets}
                  onChange={setSecrets}
                  format={values.format}
                  error={submitted && carriesSecrets ? secretsError(secrets) : undefined}
                />
              </Section>
            </Flex>
          </Layouts.Content>
        </form>
      </Page.Main>
      <SaveTemplateModal
        open={isSavingTemplate}
        defaultName={values.name || defaultName}
        onClose={() => setIsSavingTemplate(false)}
        onSave={saveTemplate}
      />
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

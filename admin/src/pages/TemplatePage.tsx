import { Box, Button, Flex, Grid, Typography } from '@strapi/design-system';
import { Check, Lock, WarningCircle } from '@strapi/icons';
import { BackButton, Layouts, Page, useNotification } from '@strapi/strapi/admin';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useIntl } from 'react-intl';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import type { GetTemplate, TemplateKind, Template, TemplateInput } from '../../../shared/contracts';
import { PLUGIN_ID } from '../../../shared/contracts';
import { ExportOptionsFields } from '../components/ExportOptionsFields';
import { ComputedFieldsTable } from '../components/ComputedFieldsTable';
import { FieldMappingTable } from '../components/FieldMappingTable';
import { SelectField, TextareaField, TextField } from '../components/fields';
import { ImportOptionsFields } from '../components/ImportOptionsFields';
import { NoContentTypes } from '../components/NoContentTypes';
import { ScheduleFields } from '../components/ScheduleFields';
import { Section } from '../components/Section';
import { useApi } from '../hooks/useApi';
import { useContentTypes, useLocales } from '../hooks/useContentTypes';
import { useErrorMessage } from '../hooks/useErrorMessage';
import { useGet } from '../hooks/useGet';
import { allowedExportValues, allowedImportValues, exportableTypes, importableTypes } from '../utils/access';
import {
  buildExportOptions,
  buildImportOptions,
  EXPORT_DEFAULTS,
  exportValuesFromTemplate,
  IMPORT_DEFAULTS,
  importValuesFromTemplate,
  templateOptions,
  validateExportForm,
  type ExportFormField,
  type ExportFormValues,
  type FormErrorKey,
  type FormErrors,
  type ImportFormField,
  type ImportFormValues,
} from '../utils/forms';
import { getTranslation } from '../utils/getTranslation';
import { hasTransformErrors, mappingTargets } from '../utils/mapping';
import {
  buildSchedule,
  scheduleDefaults,
  scheduleValuesFromTemplate,
  validateScheduleForm,
  type ScheduleFormField,
  type ScheduleFormValues,
} from '../utils/schedule';

type TemplateErrors = FormErrors<ExportFormField | ImportFormField | ScheduleFormField | 'name'>;

export const validateTemplateForm = (
  name: string,
  kind: TemplateKind,
  exportValues: ExportFormValues,
  importValues: ImportFormValues,
  scheduleValues: ScheduleFormValues = scheduleDefaults()
): TemplateErrors => {
  const errors: TemplateErrors = {};
  if (!name.trim()) errors.name = 'required';
  if (kind === 'export') Object.assign(errors, validateExportForm(exportValues), validateScheduleForm(scheduleValues));
  else {
    if (!importValues.contentType) errors.contentType = 'required';
    const sources = importValues.mapping.map((row) => row.source.trim());
    const targets = importValues.mapping.map((row) => row.target).filter((target) => target !== null);
    if (sources.some((source) => source === '')) errors.mapping = 'required' satisfies FormErrorKey;
    else if (new Set(targets).size !== targets.length) errors.mapping = 'duplicateTarget';
    else if (hasTransformErrors(importValues.mapping, importValues.computed)) errors.mapping = 'invalidTransform';
  }
  return errors;
};

/**
 * Create or edit a template: its name, kind and content type, and the options of the export or import form
 * (without the file: an import template's mapping is edited as a list of field → attribute rows).
 * Shipped templates (`readOnly`) are shown, not edited. The forms offer what the user may use in the Content
 * Manager (as the export and import pages do); a template saved by someone with more rights is shown trimmed to
 * that, with a warning that saving keeps only what is shown.
 */
export const TemplatePage = () => {
  const { formatMessage } = useIntl();
  const navigate = useNavigate();
  const { id } = useParams<{ id: string }>();
  const [searchParams] = useSearchParams();
  const { toggleNotification } = useNotification();
  const errorMessage = useErrorMessage();
  const api = useApi();
  const isNew = id === undefined;
  const {
    data,
    isLoading: isLoadingTemplate,
    isError,
  } = useGet<GetTemplate.Response>(isNew ? null : `/${PLUGIN_ID}/templates/${encodeURIComponent(id)}`);
  const template = data?.data;
  const { contentTypes: allTypes, isLoading, isError: isTypesError } = useContentTypes();
  const exportTypes = useMemo(() => exportableTypes(allTypes), [allTypes]);
  const importTypes = useMemo(() => importableTypes(allTypes), [allTypes]);
  const { locales } = useLocales(allTypes.some((contentType) => contentType.localized));

  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  // The page edits import and export templates; a bundle template is run, duplicated and deleted from the list.
  const [kind, setKind] = useState<Exclude<TemplateKind, 'bundle'>>(
    searchParams.get('kind') === 'import' ? 'import' : 'export'
  );
  const [exportValues, setExportValues] = useState<ExportFormValues>(EXPORT_DEFAULTS);
  const [importValues, setImportValues] = useState<ImportFormValues>(IMPORT_DEFAULTS);
  const [scheduleValues, setScheduleValues] = useState<ScheduleFormValues>(scheduleDefaults);
  const [errors, setErrors] = useState<TemplateErrors>({});
  const [submitted, setSubmitted] = useState(false);
  const [isSaving, setIsSaving] = useState(false);
  /** The loaded template named settings this user may not use: shown and saved without them. */
  const [trimmed, setTrimmed] = useState(false);
  const loaded = useRef<Template | null>(null);

  const readOnly = template?.readOnly === true;
  // A built-in template is only shown: as it is, whatever the user may use.
  const offeredExport = readOnly ? allTypes : exportTypes;
  const offeredImport = readOnly ? allTypes : importTypes;

  useEffect(() => {
    // Once per template, with the content types at hand (the trimming needs them).
    if (!template || isLoading || loaded.current === template) return;
    loaded.current = template;
    if (template.kind === 'bundle') {
      navigate('../..?tab=templates', { relative: 'path' });
      return;
    }
    setName(template.name);
    setDescription(template.description ?? '');
    setKind(template.kind);
    setScheduleValues(scheduleValuesFromTemplate(template));
    if (template.kind === 'export') {
      const values = { ...exportValuesFromTemplate(template), templateId: null };
      const allowed = template.readOnly ? values : allowedExportValues(values, exportTypes);
      setExportValues(allowed);
      setTrimmed(allowed !== values);
    } else {
      const values = { ...importValuesFromTemplate(template), templateId: null };
      const allowed = template.readOnly ? values : allowedImportValues(values, importTypes);
      setImportValues(allowed);
      setTrimmed(allowed !== values);
    }
  }, [template, isLoading, exportTypes, importTypes, navigate]);

  const importContentType = offeredImport.find((candidate) => candidate.uid === importValues.contentType);
  const targets = useMemo(() => (importContentType ? mappingTargets(importContentType) : []), [importContentType]);

  const revalidate = (next: {
    name?: string;
    exportValues?: ExportFormValues;
    importValues?: ImportFormValues;
    scheduleValues?: ScheduleFormValues;
  }) => {
    if (submitted) {
      setErrors(
        validateTemplateForm(
          next.name ?? name,
          kind,
          next.exportValues ?? exportValues,
          next.importValues ?? importValues,
          next.scheduleValues ?? scheduleValues
        )
      );
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (readOnly) return;
    setSubmitted(true);
    const found = validateTemplateForm(name, kind, exportValues, importValues, scheduleValues);
    setErrors(found);
    if (Object.keys(found).length > 0) return;

    const input: TemplateInput =
      kind === 'export'
        ? {
            name: name.trim(),
            kind,
            contentType: exportValues.contentType,
            options: templateOptions(
              buildExportOptions(
                { ...exportValues, name: '', templateId: null },
                offeredExport.find((candidate) => candidate.uid === exportValues.contentType)
              )
            ),
            description: description.trim() || null,
            // Off: null, which removes a schedule the template had.
            schedule: buildSchedule(scheduleValues),
          }
        : {
            name: name.trim(),
            kind,
            contentType: importValues.contentType,
            options: templateOptions(
              buildImportOptions({ ...importValues, name: '', templateId: null }, importContentType)
            ),
            description: description.trim() || null,
          };

    setIsSaving(true);
    const saved = isNew ? await api.createTemplate(input) : await api.updateTemplate(template?.id ?? Number(id), input);
    setIsSaving(false);
    if (!saved) return;
    toggleNotification({
      type: 'success',
      message: formatMessage(
        { id: getTranslation('templates.notification.created'), defaultMessage: 'Template "{name}" saved.' },
        { name: saved.name }
      ),
    });
    navigate('../..?tab=templates', { relative: 'path' });
  };

  if (isLoading || (!isNew && isLoadingTemplate && !template)) return <Page.Loading />;
  if (!isNew && isError && !template) return <Page.Error />;
  if (isTypesError && allTypes.length === 0) return <Page.Error />;
  const offered = kind === 'export' ? offeredExport : offeredImport;

  const title = isNew
    ? formatMessage({ id: getTranslation('templates.new.title'), defaultMessage: 'New template' })
    : template?.name ?? '';

  return (
    <Layouts.Root>
      <Page.Title>{title}</Page.Title>
      <Page.Main>
        <form onSubmit={submit} noValidate>
          <Layouts.Header
            navigationAction={<BackButton fallback="../..?tab=templates" />}
            title={title}
            subtitle={
              readOnly
                ? formatMessage({
                    id: getTranslation('templates.readOnly.subtitle'),
                    defaultMessage: 'A built-in template: run or duplicate it; it cannot be changed.',
                  })
                : formatMessage({
                    id: getTranslation('templates.subtitle'),
                    defaultMessage: 'Saved settings to run the same import or export again in one click',
                  })
            }
            primaryAction={
              readOnly ? (
                <Flex gap={2}>
                  <Lock aria-hidden />
                  <Typography textColor="neutral600">
                    {formatMessage({ id: getTranslation('templates.readOnly'), defaultMessage: 'Built-in' })}
                  </Typography>
                </Flex>
              ) : (
                <Button type="submit" startIcon={<Check />} loading={isSaving}>
                  {formatMessage({ id: getTranslation('actions.save'), defaultMessage: 'Save' })}
                </Button>
              )
            }
          />
          <Layouts.Content>
            <Flex direction="column" alignItems="stretch" gap={6}>
              <Section
                title={formatMessage({ id: getTranslation('templates.section.template'), defaultMessage: 'Template' })}
              >
                <Grid.Root gap={5}>
                  <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                    <TextField
                      name="name"
                      label={formatMessage({
                        id: getTranslation('form.templateName'),
                        defaultMessage: 'Template name',
                      })}
                      required
                      disabled={readOnly}
                      error={errorMessage(errors.name)}
                      value={name}
                      onChange={(next) => {
                        setName(next);
                        revalidate({ name: next });
                      }}
                    />
                  </Grid.Item>
                  <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                    <SelectField<TemplateKind>
                      name="kind"
                      label={formatMessage({ id: getTranslation('form.kind'), defaultMessage: 'Type' })}
                      required
                      disabled={readOnly || !isNew}
                      value={kind}
                      options={[
                        {
                          value: 'export',
                          label: formatMessage({ id: getTranslation('kind.export'), defaultMessage: 'Export' }),
                        },
                        {
                          value: 'import',
                          label: formatMessage({ id: getTranslation('kind.import'), defaultMessage: 'Import' }),
                        },
                      ]}
                      onChange={(next) => {
                        setKind(next === 'import' ? 'import' : 'export');
                        setErrors({});
                      }}
                    />
                  </Grid.Item>
                  <Grid.Item col={12} direction="column" alignItems="stretch">
                    <TextareaField
                      name="description"
                      label={formatMessage({ id: getTranslation('form.description'), defaultMessage: 'Description' })}
                      disabled={readOnly}
                      value={description}
                      onChange={setDescription}
                    />
                  </Grid.Item>
                </Grid.Root>
              </Section>

              {trimmed ? (
                <Flex gap={2} padding={3} hasRadius background="warning100" borderColor="warning200">
                  <WarningCircle fill="warning600" aria-hidden />
                  <Typography textColor="warning700">
                    {formatMessage({
                      id: getTranslation('access.templateTrimmed'),
                      defaultMessage:
                        'This template names content or fields you may not use in the Content Manager: they are left out here, and saving keeps only what is shown.',
                    })}
                  </Typography>
                </Flex>
              ) : null}
              {offered.length === 0 ? (
                <NoContentTypes kind={kind} />
              ) : kind === 'export' ? (
                <>
                  <ExportOptionsFields
                    values={exportValues}
                    onChange={(patch) => {
                      const next = allowedExportValues({ ...exportValues, ...patch }, offeredExport);
                      setExportValues(next);
                      revalidate({ exportValues: next });
                    }}
                    contentTypes={offeredExport}
                    locales={locales}
                    errors={errors}
                    disabled={readOnly}
                  />
                  {/* A built-in template has no schedule: a copy of it may have one. */}
                  {readOnly ? null : (
                    <ScheduleFields
                      values={scheduleValues}
                      onChange={(patch) => {
                        const next = { ...scheduleValues, ...patch };
                        setScheduleValues(next);
                        revalidate({ scheduleValues: next });
                      }}
                      errors={errors}
                      template={template}
                    />
                  )}
                </>
              ) : (
                <>
                  <Section
                    title={formatMessage({ id: getTranslation('import.section.settings'), defaultMessage: 'Settings' })}
                  >
                    <ImportOptionsFields
                      values={importValues}
                      onChange={(patch) => {
                        const next = allowedImportValues({ ...importValues, ...patch }, offeredImport);
                        setImportValues(next);
                        revalidate({ importValues: next });
                      }}
                      onContentTypeChange={(uid) => {
                        // The match key, the strategies and the mapping rows follow what the new type allows.
                        const next = allowedImportValues({ ...importValues, contentType: uid }, offeredImport);
                        setImportValues(next);
                        revalidate({ importValues: next });
                      }}
                      contentTypes={offeredImport}
                      locales={locales}
                      errors={errors}
                      disabled={readOnly}
                    />
                  </Section>
                  <Section
                    title={formatMessage({
                      id: getTranslation('import.section.mapping'),
                      defaultMessage: 'Field mapping',
                    })}
                    subtitle={formatMessage({
                      id: getTranslation('templates.mapping.subtitle'),
                      defaultMessage:
                        'Optional: fields of the files whose name differs from the attribute, or to ignore. Other fields go to the attribute of the same name.',
                    })}
                  >
                    {importContentType ? (
                      <FieldMappingTable
                        rows={importValues.mapping}
                        targets={targets}
                        editableSources
                        disabled={readOnly}
                        onChange={(mapping) => {
                          const next = allowedImportValues({ ...importValues, mapping }, offeredImport);
                          setImportValues(next);
                          revalidate({ importValues: next });
                        }}
                      />
                    ) : (
                      <Box padding={4} background="neutral100" hasRadius>
                        <Typography textColor="neutral600">
                          {formatMessage({
                            id: getTranslation('templates.mapping.noContentType'),
                            defaultMessage: 'Choose the content type first.',
                          })}
                        </Typography>
                      </Box>
                    )}
                    {errors.mapping ? (
                      <Typography variant="pi" textColor="danger600">
                        {errors.mapping === 'required'
                          ? formatMessage({
                              id: getTranslation('templates.mapping.emptySource'),
                              defaultMessage: 'Every row needs the name of a field of the file.',
                            })
                          : errorMessage(errors.mapping)}
                      </Typography>
                    ) : null}
                  </Section>
                  {importContentType ? (
                    <Section title={formatMessage({ id: getTranslation('import.section.computed'), defaultMessage: 'Computed fields' })}>
                      <ComputedFieldsTable
                        rows={importValues.computed}
                        targets={targets}
                        disabled={readOnly}
                        onChange={(computed) => {
                          const next = allowedImportValues({ ...importValues, computed }, offeredImport);
                          setImportValues(next);
                          revalidate({ importValues: next });
                        }}
                      />
                    </Section>
                  ) : null}
                </>
              )}
            </Flex>
          </Layouts.Content>
        </form>
      </Page.Main>
    </Layouts.Root>
  );
};

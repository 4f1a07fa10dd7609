import { Box, Button, Flex, Grid, Typography } from '@strapi/design-system';
import { ArrowRight, WarningCircle } from '@strapi/icons';
import { BackButton, Layouts, Page } from '@strapi/strapi/admin';
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useIntl } from 'react-intl';
import { useNavigate, useSearchParams } from 'react-router-dom';
import type { ContentTypeInfo, FieldMappingTarget, ImportOptions, Task, Template, TextEncoding } from '../../../shared/contracts';
import { ComputedFieldsTable } from '../components/ComputedFieldsTable';
import { FieldMappingTable } from '../components/FieldMappingTable';
import { FileDropZone } from '../components/FileDropZone';
import { TextField } from '../components/fields';
import { ImportOptionsFields } from '../components/ImportOptionsFields';
import { ImportSecretsField, NO_SECRETS, secretsOption, useSecretsError, type SecretsValue } from '../components/SecretsFields';
import { ImportPreviewModal } from '../components/ImportPreviewModal';
import { NoContentTypes } from '../components/NoContentTypes';
import { SaveTemplateModal } from '../components/SaveTemplateModal';
import { Section } from '../components/Section';
import { TaskProgressModal } from '../components/TaskProgressModal';
import { TemplatePicker } from '../components/TemplatePicker';
import { TransformPreview } from '../components/TransformPreview';
import { useImportableTypes, useLocales } from '../hooks/useContentTypes';
import { useErrorMessage } from '../hooks/useErrorMessage';
import { usePermissions } from '../hooks/usePermissions';
import { useSaveTemplate, useTemplates } from '../hooks/useTemplates';
import { allowedImportValues } from '../utils/access';
import { useApi } from '../hooks/useApi';
import { fileHeadRequest, type FileHead, type FileHeadError } from '../utils/fileHead';
import {
  applyPresets,
  buildImportOptions,
  contentTypeFromConfiguration,
  IMPORT_DEFAULTS,
  importPresetFromConfiguration,
  importPresetFromTemplate,
  presetFieldMapping,
  templateOptions,
  validateImportForm,
  type FormErrors,
  type ImportFormField,
  type ImportFormValues,
  type ImportPreset,
} from '../utils/forms';
import { getTranslation } from '../utils/getTranslation';
import { initialMapping, mappingTargets } from '../utils/mapping';

const HEAD_ERRORS: Record<FileHeadError, string> = {
  empty: 'The file is empty.',
  invalid: 'The start of the file cannot be read: {message}',
  item: 'An item at the start of the file will fail: {message}',
  'unknown-format': 'The file is not JSON, JSONL, JSONT or CSV.',
};

const withoutExtension = (name: string) => name.replace(/\.[^.]+$/, '');

const mappingFor = (
  head: FileHead | null,
  contentType: ContentTypeInfo | undefined,
  saved: Record<string, FieldMappingTarget> | undefined
) =>
  head && contentType
    ? initialMapping(
        head.fields,
        mappingTargets(contentType).map((target) => target.path),
        saved
      )
    : [];

/**
 * New import, a small wizard: the file (dropped or chosen), its settings (pre-filled from a template or the
 * file's JSONT configuration), the field mapping; "Next" previews it as a dry run, then "Start import".
 * Only what the user may do in the Content Manager is offered: the types with Create or Update, the attributes
 * the user may write as mapping targets, readable match keys, `published` with Publish, `add-only` with Create.
 * The query string may start it from a template (`?templateId=`) or with the type chosen (`?contentType=`, from the
 * Content Manager's list view).
 */
export const ImportPage = () => {
  const { formatMessage } = useIntl();
  const navigate = useNavigate();
  const [searchParams] = useSearchParams();
  const errorMessage = useErrorMessage();
  const { canManageTemplates } = usePermissions();
  const { contentTypes, byUid, isLoading, isError, all: allTypes } = useImportableTypes();
  const { locales } = useLocales(contentTypes.some((contentType) => contentType.localized));
  const { templates: allTemplates } = useTemplates('import');
  // Templates of types this user may not import into would only fail: not offered.
  const templates = useMemo(() => allTemplates.filter((candidate) => byUid.has(candidate.contentType)), [allTemplates, byUid]);
  const api = useApi();
  const createTemplate = useSaveTemplate();

  const [file, setFile] = useState<File | null>(null);
  const [head, setHead] = useState<FileHead | null>(null);
  // A file with encrypted private fields: its password (never in `values`, which a template is saved from).
  const [secrets, setSecrets] = useState<SecretsValue>(NO_SECRETS);
  const secretsError = useSecretsError();
  const encrypted = head?.encrypted ?? [];
  /**
   * The encoding the file's head was read in, and whether it was guessed from its bytes (not chosen by the user or a
   * template); null before a file, and for a workbook.
   */
  const [headEncoding, setHeadEncoding] = useState<{ encoding: TextEncoding; guessed: boolean } | null>(null);
  /** The encoding the user chose in the form (it reads the files chosen afterwards too). */
  const [userEncoding, setUserEncoding] = useState<TextEncoding | null>(null);
  const [isReading, setIsReading] = useState(false);
  const [configPreset, setConfigPreset] = useState<ImportPreset>({});
  /** The type the file's configuration names when the user may not import into it (its display name). */
  const [refusedType, setRefusedType] = useState<string | null>(null);
  const [templatePreset, setTemplatePreset] = useState<ImportPreset>({});
  // `?contentType=` (the Content Manager's list view, "Import"): the type chosen from the start, and kept as the first
  // of the presets when a file is chosen (its configuration, then a template, may still name another).
  const requestedType = searchParams.get('contentType');
  const linkPreset = useMemo<ImportPreset>(() => (requestedType ? { contentType: requestedType } : {}), [requestedType]);
  const [values, setValues] = useState<ImportFormValues>(() => applyPresets(IMPORT_DEFAULTS, linkPreset));
  const [errors, setErrors] = useState<FormErrors<ImportFormField>>({});
  const [submitted, setSubmitted] = useState(false);
  const [preview, setPreview] = useState<{ file: File; options: ImportOptions } | null>(null);
  const [task, setTask] = useState<Task | null>(null);
  const [isSavingTemplate, setIsSavingTemplate] = useState(false);
  const reading = useRef(0);

  const contentType = byUid.get(values.contentType);
  const targets = useMemo(() => (contentType ? mappingTargets(contentType) : []), [contentType]);

  /** Every change goes through here: the values stay within what the user may use (a template may ask more). */
  const update = (wanted: ImportFormValues, nextFile: File | null = file) => {
    const next = allowedImportValues(wanted, contentTypes);
    setValues(next);
    if (submitted) setErrors(validateImportForm(next, nextFile));
  };

  /**
   * The settings from the defaults, the type of the link, the file's configuration, the template, then the file's
   * own format and the encoding its head was read in (or the one the user chose).
   */
  const rebuild = (
    nextHead: FileHead | null,
    config: ImportPreset,
    template: ImportPreset,
    name: string,
    nextFile: File | null,
    encoding: TextEncoding | null
  ) => {
    const base = applyPresets(
      { ...values, name },
      linkPreset,
      config,
      template,
      nextHead?.format ? { format: nextHead.format } : {},
      encoding ? { encoding } : {}
    );
    update(
      { ...base, mapping: mappingFor(nextHead, byUid.get(base.contentType), presetFieldMapping(config, template)) },
      nextFile
    );
  };

  /**
   * Reads the head of the file (decoded here in `encoding`, else in the one its bytes suggest) and fills the form from
   * it: the presets applied again (a file chosen, a template), or (`keepSettings`, the encoding changed) only the
   * encoding and the mapping of the fields read.
   */
  const readFile = async (
    chosen: File,
    { encoding, template, keepSettings = false }: { encoding: TextEncoding | null; template: ImportPreset; keepSettings?: boolean }
  ) => {
    const mine = ++reading.current;
    setIsReading(true);
    try {
      // The server reads the head (its own detection and readers); a failed request was notified, with its reason.
      const request = await fileHeadRequest(chosen, encoding);
      const nextHead = await api.readFileHead(request.body);
      if (mine !== reading.current || !nextHead) return;
      setHead(nextHead);
      setHeadEncoding(request.encoding ? { encoding: request.encoding, guessed: !encoding } : null);
      if (keepSettings) {
        update(
          {
            ...values,
            ...(request.encoding ? { encoding: request.encoding } : {}),
            mapping: mappingFor(nextHead, contentType, presetFieldMapping(configPreset, template)),
          },
          chosen
        );
        return;
      }
      const config = nextHead.configuration ? importPresetFromConfiguration(nextHead.configuration, contentTypes) : {};
      const named = nextHead.configuration ? contentTypeFromConfiguration(nextHead.configuration, allTypes) : undefined;
      setRefusedType(named && !byUid.has(named) ? (allTypes.find((type) => type.uid === named)?.displayName ?? named) : null);
      setConfigPreset(config);
      rebuild(nextHead, config, template, values.name || withoutExtension(chosen.name), chosen, request.encoding);
    } finally {
      if (mine === reading.current) setIsReading(false);
    }
  };

  const chooseFile = async (chosen: File | null) => {
    setFile(chosen);
    setHead(null);
    setHeadEncoding(null);
    setRefusedType(null);
    if (!chosen) {
      ++reading.current;
      setIsReading(false);
      setConfigPreset({});
      rebuild(null, {}, templatePreset, values.name, null, userEncoding);
      return;
    }
    // The encoding the user or the template chose, else the one of the file's first bytes.
    await readFile(chosen, { encoding: userEncoding ?? (templatePreset.encoding || null), template: templatePreset });
  };

  const pickTemplate = (template: Template | null) => {
    const preset = template ? importPresetFromTemplate(template) : {};
    setTemplatePreset(preset);
    const encoding = userEncoding ?? (preset.encoding || null);
    // A text file read in another encoding than the one now asked (or guessed, when the template no longer says one):
    // read again.
    if (file && headEncoding && (encoding ? encoding !== headEncoding.encoding : !headEncoding.guessed)) {
      void readFile(file, { encoding, template: preset });
      return;
    }
    rebuild(head, configPreset, preset, values.name, file, encoding ?? headEncoding?.encoding ?? null);
  };

  /** The encoding chosen: the file's head read again in it (its fields and examples), and sent with the import. */
  const changeEncoding = (encoding: TextEncoding) => {
    setUserEncoding(encoding);
    if (file && headEncoding && headEncoding.encoding !== encoding) {
      void readFile(file, { encoding, template: templatePreset, keepSettings: true });
      return;
    }
    // The encoding the head was read in, now chosen: no longer a guess.
    if (headEncoding) setHeadEncoding({ encoding, guessed: false });
    update({ ...values, encoding });
  };

  // `?templateId=` (Templates tab, "Run" on an import template): start from it once the list is here.
  const requestedTemplate = searchParams.get('templateId');
  const appliedTemplate = useRef<string | null>(null);
  useEffect(() => {
    const template = templates.find((candidate) => String(candidate.id) === requestedTemplate);
    if (!template || contentTypes.length === 0 || appliedTemplate.current === requestedTemplate) return;
    appliedTemplate.current = requestedTemplate;
    pickTemplate(template);
    // Applied once per requested template: later changes of the lists must not undo the user's edits.
  }, [requestedTemplate, templates, contentTypes]);

  // Once the types are here, the requested type is kept within what the user may do with it (cleared when the user
  // may not import into it; its access adjusting the defaults).
  const checkedRequestedType = useRef(false);
  useEffect(() => {
    if (isLoading || checkedRequestedType.current) return;
    checkedRequestedType.current = true;
    setValues((current) => allowedImportValues(current, contentTypes));
  }, [isLoading, contentTypes]);

  const changeContentType = (uid: string) => {
    const next = byUid.get(uid);
    update({
      ...values,
      contentType: uid,
      matchBy: next?.matchKeys.includes(values.matchBy) ? values.matchBy : 'documentId',
      mapping: mappingFor(head, next, presetFieldMapping(configPreset, templatePreset)),
    });
  };

  const validate = (needsFile: boolean) => {
    setSubmitted(true);
    const found = validateImportForm(values, file);
    if (!needsFile) delete found.file;
    setErrors(found);
    return Object.keys(found).length === 0;
  };

  const next = (event: FormEvent) => {
    event.preventDefault();
    const needsPassword = encrypted.length > 0;
    if (!validate(true) || !file || (needsPassword && secretsError({ ...secrets, enabled: true }))) return;
    const options = buildImportOptions(values, contentType);
    setPreview({ file, options: needsPassword ? { ...options, secrets: secretsOption({ ...secrets, enabled: true }) } : options });
  };

  const saveTemplate = async ({ name, description }: { name: string; description: string | null }) => {
    const template = await createTemplate({
      name,
      kind: 'import',
      contentType: values.contentType,
      options: templateOptions(buildImportOptions(values, contentType)),
      description,
    });
    if (!template) return false;
    setValues((current) => ({ ...current, templateId: template.id }));
    return true;
  };

  if (isLoading) return <Page.Loading />;

  const title = formatMessage({ id: getTranslation('import.title'), defaultMessage: 'New import' });
  // No type at all (and not because the list could not load): the user has no Content Manager permission for it.
  if (isError && contentTypes.length === 0) return <Page.Error />;
  if (contentTypes.length === 0) {
    return (
      <Layouts.Root>
        <Page.Title>{title}</Page.Title>
        <Page.Main>
          <Layouts.Header navigationAction={<BackButton fallback=".." />} title={title} />
          <Layouts.Content>
            <NoContentTypes kind="import" />
          </Layouts.Content>
        </Page.Main>
      </Layouts.Root>
    );
  }
  const fromConfiguration = configPreset.contentType !== undefined && configPreset.contentType === values.contentType;
  const headError = head?.error
    ? formatMessage(
        { id: getTranslation(`import.head.${head.error}`), defaultMessage: HEAD_ERRORS[head.error] },
        { message: head.message ?? '' }
      )
    : undefined;

  return (
    <Layouts.Root>
      <Page.Title>{title}</Page.Title>
      <Page.Main>
        <form onSubmit={next} noValidate>
          <Layouts.Header
            navigationAction={<BackButton fallback=".." />}
            title={title}
            subtitle={formatMessage({
              id: getTranslation('import.subtitle'),
              defaultMessage: 'Read entries from a file into a content type',
            })}
            primaryAction={
              <Flex gap={2}>
                {canManageTemplates ? (
                  <Button type="button" variant="secondary" onClick={() => validate(false) && setIsSavingTemplate(true)}>
                    {formatMessage({ id: getTranslation('actions.saveAsTemplate'), defaultMessage: 'Save as template' })}
                  </Button>
                ) : null}
                <Button type="submit" endIcon={<ArrowRight />} loading={isReading}>
                  {formatMessage({ id: getTranslation('actions.next'), defaultMessage: 'Next' })}
                </Button>
              </Flex>
            }
          />
          <Layouts.Content>
            <Flex direction="column" alignItems="stretch" gap={6}>
              <Section title={formatMessage({ id: getTranslation('import.section.file'), defaultMessage: 'File' })}>
                <Grid.Root gap={5}>
                  <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
                    <TextField
                      name="name"
                      label={formatMessage({ id: getTranslation('form.name'), defaultMessage: 'Name' })}
                      placeholder={formatMessage({ id: getTranslation('import.name.placeholder'), defaultMessage: 'Name of this import' })}
                      value={values.name}
                      onChange={(name) => update({ ...values, name })}
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
                  <Grid.Item col={12} direction="column" alignItems="stretch">
                    <FileDropZone file={file} onChange={(chosen) => void chooseFile(chosen)} error={errorMessage(errors.file)} />
                    {encrypted.length > 0 ? (
                      <Flex direction="column" alignItems="stretch" paddingTop={4}>
                        <ImportSecretsField
                          fields={encrypted}
                          value={secrets}
                          onChange={setSecrets}
                          error={submitted ? secretsError({ ...secrets, enabled: true }) : undefined}
                        />
                      </Flex>
                    ) : null}
                    {headError ? (
                      <Flex gap={2} paddingTop={2}>
                        <WarningCircle fill="warning600" aria-hidden />
                        <Typography variant="pi" textColor="warning700">
                          {headError}
                        </Typography>
                      </Flex>
                    ) : null}
                    {headEncoding?.guessed && headEncoding.encoding === 'windows-1252' ? (
                      <Flex gap={2} paddingTop={2}>
                        <WarningCircle fill="warning600" aria-hidden />
                        <Typography variant="pi" textColor="warning700">
                          {formatMessage({
                            id: getTranslation('import.encoding.guessed'),
                            defaultMessage:
                              "This file is not UTF-8 text: it is read as Windows-1252 (Western European), as Excel saves CSV files on Windows. If the examples below show wrong accents, choose the file's encoding.",
                          })}
                        </Typography>
                      </Flex>
                    ) : null}
                  </Grid.Item>
                </Grid.Root>
              </Section>

              <Section title={formatMessage({ id: getTranslation('import.section.settings'), defaultMessage: 'Settings' })}>
                <ImportOptionsFields
                  values={values}
                  onChange={({ encoding, ...patch }) => (encoding ? changeEncoding(encoding) : update({ ...values, ...patch }))}
                  onContentTypeChange={changeContentType}
                  contentTypes={contentTypes}
                  locales={locales}
                  errors={errors}
                  contentTypeHint={
                    fromConfiguration
                      ? formatMessage({
                          id: getTranslation('import.contentType.fromFile'),
                          defaultMessage: "Found in the file's configuration.",
                        })
                      : refusedType && !values.contentType
                        ? formatMessage(
                            {
                              id: getTranslation('access.configurationType'),
                              defaultMessage:
                                "The file's configuration names {name}, whose entries you may neither create nor update in the Content Manager.",
                            },
                            { name: refusedType }
                          )
                        : undefined
                  }
                  encodingHint={
                    headEncoding?.guessed
                      ? formatMessage({ id: getTranslation('import.encoding.detected'), defaultMessage: 'Guessed from the file.' })
                      : undefined
                  }
                  formatHint={
                    head?.format
                      ? formatMessage({ id: getTranslation('import.format.detected'), defaultMessage: 'Detected from the file.' })
                      : undefined
                  }
                />
              </Section>

              <Section
                title={formatMessage({ id: getTranslation('import.section.mapping'), defaultMessage: 'Field mapping' })}
                subtitle={formatMessage({
                  id: getTranslation('import.section.mapping.subtitle'),
                  defaultMessage: 'Which attribute each field of the file goes to. Fields are matched by name; change any of them, or ignore it.',
                })}
              >
                {values.mapping.length > 0 ? (
                  <FieldMappingTable
                    rows={values.mapping}
                    targets={targets}
                    samples={head?.samples}
                    onChange={(mapping) => update({ ...values, mapping })}
                  />
                ) : (
                  <Box padding={4} background="neutral100" hasRadius>
                    <Typography textColor="neutral600">
                      {!file
                        ? formatMessage({
                            id: getTranslation('import.mapping.noFile'),
                            defaultMessage: 'Choose a file to see its fields.',
                          })
                        : !contentType
                          ? formatMessage({
                              id: getTranslation('import.mapping.noContentType'),
                              defaultMessage: 'Choose the content type to map the fields of the file to.',
                            })
                          : formatMessage({
                              id: getTranslation('import.mapping.noFields'),
                              defaultMessage: 'No fields found in the first items of the file.',
                            })}
                    </Typography>
                  </Box>
                )}
                {errors.mapping ? (
                  <Typography variant="pi" textColor="danger600">
                    {errorMessage(errors.mapping)}
                  </Typography>
                ) : null}
              </Section>

              <Section
                title={formatMessage({ id: getTranslation('import.section.computed'), defaultMessage: 'Computed fields' })}
              >
                <ComputedFieldsTable
                  rows={values.computed}
                  targets={targets}
                  onChange={(computed) => update({ ...values, computed })}
                />
              </Section>

              <Section
                title={formatMessage({ id: getTranslation('import.section.preview'), defaultMessage: 'Preview' })}
                subtitle={formatMessage({
                  id: getTranslation('import.section.preview.subtitle'),
                  defaultMessage: 'The first items of the file as read, as they would be written, and what the import would say of them. Nothing is written.',
                })}
              >
                <TransformPreview file={file} options={() => (validate(true) ? buildImportOptions(values, contentType) : null)} />
              </Section>
            </Flex>
          </Layouts.Content>
        </form>
      </Page.Main>
      <SaveTemplateModal
        open={isSavingTemplate}
        defaultName={values.name}
        onClose={() => setIsSavingTemplate(false)}
        onSave={saveTemplate}
      />
      <ImportPreviewModal
        request={preview}
        onClose={() => setPreview(null)}
        onStarted={(started) => {
          setPreview(null);
          setTask(started);
        }}
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

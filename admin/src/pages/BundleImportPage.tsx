import { Box, Button, Flex, Grid, Td, Typography } from '@strapi/design-system';
import { CloudUpload, Eye, Upload } from '@strapi/icons';
import { BackButton, Layouts, Page } from '@strapi/strapi/admin';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import { useNavigate } from 'react-router-dom';
import {
  IMPORT_STRATEGIES,
  type BundleImportOptions,
  type DefinitionsResult,
  type ImportStrategy,
  type OnError,
  type ResolvedBundleImportOptions,
  type Task,
} from '../../../shared/contracts';
import { FileDropZone } from '../components/FileDropZone';
import { SelectField } from '../components/fields';
import { CheckboxField } from '../components/SpreadsheetFields';
import { Section } from '../components/Section';
import { TaskProgressModal } from '../components/TaskProgressModal';
import { TypeCountsTable } from '../components/TypeCountsTable';
import { useApi } from '../hooks/useApi';
import { useContentTypes, useImportableTypes } from '../hooks/useContentTypes';
import { usePermissions } from '../hooks/usePermissions';
import { FetchFromEnvironmentModal } from '../components/EnvironmentTransfer';
import { getTranslation } from '../utils/getTranslation';

/** How the wizard imports one type of the bundle (empty: the bundle's defaults). */
export interface BundleTypeChoice {
  importStrategy?: ImportStrategy;
  matchBy?: string;
}

/** A refusal of a bundle route, as the page shows it: its message and, for a 400, each problem (`details.errors`). */
export interface Refusal {
  status: number | null;
  message: string;
  problems: string[];
  /** The 403 of definitions outside development mode lists the changes. */
  changes: DefinitionsResult['changes'];
}

export const refusalOf = (error: unknown): Refusal => {
  const answer = (error as { response?: { status?: number; data?: { error?: { message?: string; details?: unknown } } } })?.response;
  const details = answer?.data?.error?.details as { errors?: Array<{ message?: string }>; changes?: DefinitionsResult['changes'] } | undefined;
  return {
    status: answer?.status ?? null,
    message: answer?.data?.error?.message ?? (error instanceof Error ? error.message : String(error)),
    problems: (details?.errors ?? []).map((entry) => entry.message ?? '').filter(Boolean),
    changes: details?.changes ?? [],
  };
};

/** The options sent for the wizard's choices: only the types given a setting; `lifecycles` only when `run`. */
export const buildBundleImportOptions = (
  onError: OnError,
  choices: Record<string, BundleTypeChoice>,
  dryRun: boolean,
  runLifecycles = false
): BundleImportOptions => {
  const types = Object.fromEntries(
    Object.entries(choices)
      .map(([uid, choice]) => [uid, Object.fromEntries(Object.entries(choice).filter(([, value]) => value !== undefined && value !== ''))])
      .filter(([, choice]) => Object.keys(choice as object).length > 0)
  );
  return {
    onError,
    ...(dryRun ? { dryRun: true } : {}),
    ...(runLifecycles ? { lifecycles: 'run' as const } : {}),
    ...(Object.keys(types).length > 0 ? { types } : {}),
  };
};

/** A box of problems (the schema check's list, a refusal's message). */
const Problems = ({ title, items, tone = 'danger' }: { title: string; items: string[]; tone?: 'danger' | 'warning' }) => (
  <Box background={`${tone}100`} borderColor={`${tone}200`} hasRadius padding={4}>
    <Flex direction="column" alignItems="stretch" gap={2}>
      <Typography fontWeight="semiBold" textColor={`${tone}700`}>
        {title}
      </Typography>
      {items.length > 0 ? (
        <ul>
          {items.map((item) => (
            <li key={item}>
              <Typography textColor={`${tone}700`}>{item}</Typography>
            </li>
          ))}
        </ul>
      ) : null}
    </Flex>
  </Box>
);

/**
 * Bundle import (docs/bundles.md): the zip; a preview (a dry run: what each type would do, the first failures)
 * where each type's import strategy and match key can be changed; then the import, followed in the progress window.
 * A bundle that does not fit this app is refused before anything is written, each missing type and attribute
 * listed; when it carries its definitions, they can be checked here and applied (development mode only).
 */
export const BundleImportPage = () => {
  const { formatMessage } = useIntl();
  const navigate = useNavigate();
  const api = useApi();
  const { byUid } = useContentTypes();
  const { contentTypes: importable } = useImportableTypes();
  const permissions = usePermissions();
  const [fetching, setFetching] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [onError, setOnError] = useState<OnError>('stop');
  const [runLifecycles, setRunLifecycles] = useState(false);
  const [choices, setChoices] = useState<Record<string, BundleTypeChoice>>({});
  const [preview, setPreview] = useState<Task | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [definitions, setDefinitions] = useState<DefinitionsResult | null>(null);
  const [definitionsRefusal, setDefinitionsRefusal] = useState<Refusal | null>(null);
  const [busy, setBusy] = useState<'preview' | 'import' | 'definitions' | null>(null);
  const [task, setTask] = useState<Task | null>(null);
  const [submitted, setSubmitted] = useState(false);

  const title = formatMessage({ id: getTranslation('bundleImport.title'), defaultMessage: 'New bundle import' });
  const fileError =
    submitted && !file ? formatMessage({ id: getTranslation('bundleImport.file.required'), defaultMessage: 'Choose a bundle (.zip).' }) : undefined;
  const carriesDefinitions = refusal?.message.includes('carries its definitions') === true;

  const chooseFile = (next: File | null) => {
    setFile(next);
    setChoices({});
    setPreview(null);
    setRefusal(null);
    setDefinitions(null);
    setDefinitionsRefusal(null);
  };

  const run = async (dryRun: boolean) => {
    setSubmitted(true);
    if (!file) return;
    setBusy(dryRun ? 'preview' : 'import');
    const answer = await api.startBundleImport(file, buildBundleImportOptions(onError, choices, dryRun, runLifecycles), { wait: dryRun });
    setBusy(null);
    if (!answer.ok) {
      setRefusal(refusalOf(answer.error));
      setPreview(null);
      return;
    }
    setRefusal(null);
    if (dryRun) setPreview(answer.data);
    else setTask(answer.data);
  };

  const checkDefinitions = async (dryRun: boolean) => {
    if (!file) return;
    setBusy('definitions');
    const answer = await api.applyDefinitions(file, { dryRun });
    setBusy(null);
    if (!answer.ok) {
      setDefinitionsRefusal(refusalOf(answer.error));
      return;
    }
    setDefinitionsRefusal(null);
    setDefinitions(answer.data);
  };

  /** The type's settings as the preview resolved them, with the user's choices over them. */
  const resolvedTypes = (preview?.options as ResolvedBundleImportOptions | undefined)?.types ?? [];
  const settingOf = (uid: string) => {
    const resolved = resolvedTypes.find((type) => type.contentType === uid);
    return { importStrategy: choices[uid]?.importStrategy ?? resolved?.importStrategy ?? 'upsert', matchBy: choices[uid]?.matchBy ?? resolved?.matchBy ?? 'documentId' };
  };
  const choose = (uid: string, patch: BundleTypeChoice) => {
    setChoices((current) => ({ ...current, [uid]: { ...current[uid], ...patch } }));
    // The preview's counts were for the other settings.
    setPreview((current) => (current ? { ...current, typeCounts: null } : current));
  };

  const STRATEGY_KEYS: Record<ImportStrategy, string> = { upsert: 'upsert', 'add-only': 'addOnly', 'skip-existing': 'skipExisting' };
  const strategyLabel = (strategy: ImportStrategy) =>
    formatMessage({ id: getTranslation(`form.importStrategy.${STRATEGY_KEYS[strategy]}`), defaultMessage: strategy });

  return (
    <Layouts.Root>
      <Page.Title>{title}</Page.Title>
      <Page.Main>
        <Layouts.Header
          navigationAction={<BackButton fallback=".." />}
          title={title}
          subtitle={formatMessage({
            id: getTranslation('bundleImport.subtitle'),
            defaultMessage: 'Import a bundle exported from another environment: every type in order, nothing deleted',
          })}
          primaryAction={
            <Flex gap={2}>
              {permissions.canManageEnvironments ? (
                <Button variant="tertiary" startIcon={<CloudUpload />} disabled={busy !== null} onClick={() => setFetching(true)}>
                  {formatMessage({ id: getTranslation('environments.actions.fetch'), defaultMessage: 'Fetch from environment' })}
                </Button>
              ) : null}
              <Button variant="secondary" startIcon={<Eye />} loading={busy === 'preview'} disabled={busy !== null} onClick={() => void run(true)}>
                {formatMessage({ id: getTranslation('actions.preview'), defaultMessage: 'Preview' })}
              </Button>
              <Button startIcon={<Upload />} loading={busy === 'import'} disabled={busy !== null} onClick={() => void run(false)}>
                {formatMessage({ id: getTranslation('actions.import'), defaultMessage: 'Import' })}
              </Button>
            </Flex>
          }
        />
        <Layouts.Content>
          <Flex direction="column" alignItems="stretch" gap={6}>
            <Section title={formatMessage({ id: getTranslation('bundleImport.section.file'), defaultMessage: 'Bundle' })}>
              <Grid.Root gap={5}>
                <Grid.Item col={8} s={12} direction="column" alignItems="stretch">
                  <FileDropZone
                    file={file}
                    onChange={chooseFile}
                    error={fileError}
                    accept={{
                      extensions: ['.zip'],
                      label: formatMessage({ id: getTranslation('bundleImport.file.accepted'), defaultMessage: 'A bundle exported by the Data Migration Center (.zip)' }),
                    }}
                  />
                </Grid.Item>
                <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                  <SelectField<OnError>
                    name="onError"
                    label={formatMessage({ id: getTranslation('form.onError'), defaultMessage: 'On error' })}
                    value={onError}
                    options={[
                      {
                        value: 'stop',
                        label: formatMessage({ id: getTranslation('bundleImport.onError.stop'), defaultMessage: 'Stop: the whole bundle or nothing' }),
                      },
                      {
                        value: 'continue',
                        label: formatMessage({ id: getTranslation('bundleImport.onError.continue'), defaultMessage: 'Continue: import the rest, report failures' }),
                      },
                    ]}
                    onChange={setOnError}
                  />
                </Grid.Item>
                <CheckboxField
                  name="lifecycles"
                  label={formatMessage({ id: getTranslation('form.lifecycles'), defaultMessage: 'Run lifecycle hooks and entry webhooks' })}
                  hint={formatMessage({
                    id: getTranslation('form.lifecycles.hint'),
                    defaultMessage:
                      "Every entry goes through Strapi's Document Service, so that the app's lifecycle hooks and the entry webhooks (entry.create, entry.update, entry.publish) fire for each one. Slower than the default bulk writes.",
                  })}
                  checked={runLifecycles}
                  onChange={setRunLifecycles}
                />
              </Grid.Root>
            </Section>

            {refusal ? (
              <Problems
                title={
                  refusal.problems.length > 0 && refusal.status === 400
                    ? formatMessage({ id: getTranslation('bundleImport.refused'), defaultMessage: 'The bundle cannot be imported here (nothing was written):' })
                    : refusal.message
                }
                items={refusal.status === 400 ? refusal.problems : []}
              />
            ) : null}

            {carriesDefinitions ? (
              <Section
                title={formatMessage({ id: getTranslation('bundleImport.section.definitions'), defaultMessage: 'Definitions' })}
                subtitle={formatMessage({
                  id: getTranslation('bundleImport.definitions.subtitle'),
                  defaultMessage:
                    'The bundle carries its content types and components. Applied through the Content-Type Builder (development mode only), the app restarts; then import the bundle.',
                })}
                action={
                  <Flex gap={2}>
                    <Button variant="secondary" loading={busy === 'definitions'} disabled={busy !== null} onClick={() => void checkDefinitions(true)}>
                      {formatMessage({ id: getTranslation('bundleImport.definitions.check'), defaultMessage: 'Check definitions' })}
                    </Button>
                    <Button variant="default" disabled={busy !== null || definitions === null} onClick={() => void checkDefinitions(false)}>
                      {formatMessage({ id: getTranslation('bundleImport.definitions.apply'), defaultMessage: 'Apply definitions' })}
                    </Button>
                  </Flex>
                }
              >
                {definitionsRefusal ? (
                  <Problems
                    title={definitionsRefusal.message}
                    items={definitionsRefusal.changes.filter((change) => change.action === 'create' || change.action === 'update').map((change) => `${change.action} ${change.uid}`)}
                    tone="warning"
                  />
                ) : null}
                {definitions ? (
                  <Flex direction="column" alignItems="stretch" gap={2}>
                    {definitions.applied ? (
                      <Typography textColor="success600">
                        {formatMessage({ id: getTranslation('bundleImport.definitions.applied'), defaultMessage: 'Applied: the app restarts. Import the bundle once it is back.' })}
                      </Typography>
                    ) : null}
                    <ul>
                      {definitions.changes.map((change) => (
                        <li key={change.uid}>
                          <Typography>
                            {formatMessage(
                              {
                                id: getTranslation(`bundleImport.definitions.${change.action}`),
                                defaultMessage: '{uid}: {action}',
                              },
                              { uid: change.uid, action: change.action, added: change.added.join(', ') || '-', changed: change.changed.join(', ') || '-' }
                            )}
                          </Typography>
                        </li>
                      ))}
                    </ul>
                  </Flex>
                ) : null}
              </Section>
            ) : null}

            {preview ? (
              <Section
                title={formatMessage({ id: getTranslation('bundleImport.section.preview'), defaultMessage: 'Preview' })}
                subtitle={formatMessage({
                  id: getTranslation('bundleImport.preview.subtitle'),
                  defaultMessage: 'What each type would do, in import order (a dry run: nothing was written). Change a setting and preview again.',
                })}
              >
                {preview.error ? <Problems title={preview.error} items={[]} tone="warning" /> : null}
                <TypeCountsTable
                  dryRun
                  typeCounts={
                    preview.typeCounts ??
                    resolvedTypes.map((type) => ({ contentType: type.contentType, processed: 0, created: 0, updated: 0, skipped: 0, failed: 0 }))
                  }
                  extraHeaders={[
                    formatMessage({ id: getTranslation('form.importStrategy'), defaultMessage: 'Import strategy' }),
                    formatMessage({ id: getTranslation('form.matchBy'), defaultMessage: 'Match existing entries by' }),
                  ]}
                  extra={(uid) => (
                    <>
                      <Td>
                        <SelectField<ImportStrategy>
                          name={`importStrategy-${uid}`}
                          label={formatMessage(
                            { id: getTranslation('bundleImport.type.importStrategy'), defaultMessage: 'Import strategy of {type}' },
                            { type: byUid.get(uid)?.displayName ?? uid }
                          )}
                          value={settingOf(uid).importStrategy}
                          options={IMPORT_STRATEGIES.map((strategy) => ({ value: strategy, label: strategyLabel(strategy) }))}
                          onChange={(importStrategy) => choose(uid, { importStrategy })}
                        />
                      </Td>
                      <Td>
                        <SelectField<string>
                          name={`matchBy-${uid}`}
                          label={formatMessage(
                            { id: getTranslation('bundleImport.type.matchBy'), defaultMessage: 'Match {type} by' },
                            { type: byUid.get(uid)?.displayName ?? uid }
                          )}
                          value={settingOf(uid).matchBy}
                          options={(byUid.get(uid)?.matchKeys ?? ['documentId']).map((key) => ({ value: key, label: key }))}
                          onChange={(matchBy) => choose(uid, { matchBy })}
                        />
                      </Td>
                    </>
                  )}
                />
              </Section>
            ) : null}
          </Flex>
        </Layouts.Content>
      </Page.Main>
      {permissions.canManageEnvironments ? (
        <FetchFromEnvironmentModal
          open={fetching}
          contentTypes={importable}
          onClose={() => setFetching(false)}
          onStarted={(started) => {
            setFetching(false);
            setTask(started);
          }}
        />
      ) : null}
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

import { Box, Button, Checkbox, Field, Flex, Grid, Modal, Typography } from '@strapi/design-system';
import { useEffect, useRef, useState } from 'react';
import { useIntl } from 'react-intl';
import type { ContentTypeInfo, Environment, OnError, Task } from '../../../shared/contracts';
import { useApi } from '../hooks/useApi';
import { serverMessage, useEnvironments } from '../hooks/useEnvironments';
import { isActive } from '../hooks/useTasks';
import { getTranslation } from '../utils/getTranslation';
import { SelectField, Toggle } from './fields';
import { StatusBadge } from './StatusBadge';
import { TaskCounts } from './TaskCounts';

/** How often the other instance's task is asked for while it runs (ms). */
export const REMOTE_POLL_MS = 1000;

/** The import options both dialogs offer: on error, dry run. */
const ImportChoices = ({
  onError,
  dryRun,
  onOnError,
  onDryRun,
}: {
  onError: OnError;
  dryRun: boolean;
  onOnError: (value: OnError) => void;
  onDryRun: (value: boolean) => void;
}) => {
  const { formatMessage } = useIntl();
  return (
    <>
      <SelectField<OnError>
        name="onError"
        label={formatMessage({ id: getTranslation('form.onError'), defaultMessage: 'On error' })}
        value={onError}
        options={[
          { value: 'stop', label: formatMessage({ id: getTranslation('bundleImport.onError.stop'), defaultMessage: 'Stop: the whole bundle or nothing' }) },
          {
            value: 'continue',
            label: formatMessage({ id: getTranslation('bundleImport.onError.continue'), defaultMessage: 'Continue: import the rest, report failures' }),
          },
        ]}
        onChange={onOnError}
      />
      <Toggle
        name="dryRun"
        label={formatMessage({ id: getTranslation('environments.dryRun'), defaultMessage: 'Dry run' })}
        hint={formatMessage({ id: getTranslation('environments.dryRun.hint'), defaultMessage: 'Count what the import would do, write nothing' })}
        checked={dryRun}
        onChange={onDryRun}
      />
    </>
  );
};

/** The environment a dialog works with; once the dialog was submitted without one, it says one is needed. */
const EnvironmentSelect = ({
  environments,
  value,
  submitted,
  onChange,
}: {
  environments: Environment[];
  value: string;
  submitted: boolean;
  onChange: (value: string) => void;
}) => {
  const { formatMessage } = useIntl();
  const error =
    submitted && !value ? formatMessage({ id: getTranslation('environments.choose.required'), defaultMessage: 'Choose an environment.' }) : undefined;
  return (
    <SelectField<string>
      name="environmentId"
      required
      label={formatMessage({ id: getTranslation('environments.choose'), defaultMessage: 'Environment' })}
      placeholder={formatMessage({ id: getTranslation('environments.choose.placeholder'), defaultMessage: 'Choose an environment' })}
      hint={
        environments.length === 0
          ? formatMessage({ id: getTranslation('environments.choose.none'), defaultMessage: 'No environment saved: add one in the Environments tab.' })
          : undefined
      }
      value={value}
      error={error}
      options={environments.map((environment) => ({ value: String(environment.id), label: `${environment.name} (${environment.url})` }))}
      onChange={onChange}
    />
  );
};

/**
 * "Send to environment": a completed bundle export of this instance imported into another (POST /tasks/:id/send),
 * then that instance's import polled through this one (GET /environments/:id/tasks/:taskId) until it ends, with its
 * counts. A refusal (a wrong token, an unreachable host, a bundle format the other cannot read) shows in the dialog:
 * nothing was written.
 */
export const SendToEnvironmentModal = ({ task, onClose }: { task: Task | null; onClose: () => void }) => {
  const { formatMessage } = useIntl();
  const api = useApi();
  const { environments } = useEnvironments(task !== null);
  const [environmentId, setEnvironmentId] = useState('');
  const [onError, setOnError] = useState<OnError>('stop');
  const [dryRun, setDryRun] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);
  const [remote, setRemote] = useState<{ environmentId: number; task: Task } | null>(null);
  const alive = useRef(true);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
    };
  }, []);

  // Polls the other instance's import while it runs.
  useEffect(() => {
    if (!remote || !isActive(remote.task)) return undefined;
    const timer = setTimeout(() => {
      void api.environmentTask(remote.environmentId, remote.task.id).then((answer) => {
        if (!alive.current) return;
        if (answer.ok) setRemote({ environmentId: remote.environmentId, task: answer.data });
        else setError(serverMessage(answer.error));
      });
    }, REMOTE_POLL_MS);
    return () => clearTimeout(timer);
  }, [api, remote]);

  const close = () => {
    setEnvironmentId('');
    setRemote(null);
    setError(null);
    setSubmitted(false);
    onClose();
  };

  const send = async () => {
    setSubmitted(true);
    if (!task || !environmentId) return;
    setBusy(true);
    setError(null);
    const answer = await api.sendToEnvironment(task.id, { environmentId: Number(environmentId), options: { onError, ...(dryRun ? { dryRun: true } : {}) } });
    setBusy(false);
    if (answer.ok) setRemote({ environmentId: answer.data.environmentId, task: answer.data.remoteTask });
    else setError(serverMessage(answer.error));
  };

  const environment = environments.find((one) => String(one.id) === (remote ? String(remote.environmentId) : environmentId));

  return (
    <Modal.Root open={task !== null} onOpenChange={(open: boolean) => !open && close()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>
            {formatMessage({ id: getTranslation('environments.send.title'), defaultMessage: 'Send "{name}" to an environment' }, { name: task?.name ?? '' })}
          </Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            {remote ? (
              <Flex direction="column" alignItems="flex-start" gap={3}>
                <Typography>
                  {formatMessage(
                    { id: getTranslation('environments.send.remoteTask'), defaultMessage: 'Bundle import #{id} on {environment}' },
                    { id: remote.task.id, environment: environment?.name ?? '' }
                  )}
                </Typography>
                <StatusBadge status={remote.task.status} />
                <TaskCounts task={remote.task} />
                {remote.task.error ? <Typography textColor="danger600">{remote.task.error}</Typography> : null}
              </Flex>
            ) : (
              <>
                <EnvironmentSelect
                  environments={environments}
                  value={environmentId}
                  submitted={submitted}
                  onChange={setEnvironmentId}
                />
                <ImportChoices onError={onError} dryRun={dryRun} onOnError={setOnError} onDryRun={setDryRun} />
              </>
            )}
            {error ? (
              <Typography textColor="danger600" role="alert">
                {error}
              </Typography>
            ) : null}
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{formatMessage({ id: getTranslation('actions.close'), defaultMessage: 'Close' })}</Button>
          </Modal.Close>
          {remote ? null : (
            <Button loading={busy} onClick={() => void send()}>
              {formatMessage({ id: getTranslation('environments.send.submit'), defaultMessage: 'Send' })}
            </Button>
          )}
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};

/**
 * "Fetch from environment": a bundle exported there (the chosen types, with dependencies, media) and imported here
 * with these options (POST /environments/:id/fetch). The request waits for the export there; the local import then
 * runs as any task (`onStarted` shows it).
 */
export const FetchFromEnvironmentModal = ({
  open,
  contentTypes,
  onClose,
  onStarted,
}: {
  open: boolean;
  contentTypes: ContentTypeInfo[];
  onClose: () => void;
  onStarted: (task: Task) => void;
}) => {
  const { formatMessage } = useIntl();
  const api = useApi();
  const { environments } = useEnvironments(open);
  const [environmentId, setEnvironmentId] = useState('');
  const [all, setAll] = useState(false);
  const [types, setTypes] = useState<string[]>([]);
  const [withDependencies, setWithDependencies] = useState(true);
  const [media, setMedia] = useState(false);
  const [onError, setOnError] = useState<OnError>('stop');
  const [dryRun, setDryRun] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [submitted, setSubmitted] = useState(false);

  const noType = !all && types.length === 0;

  const fetchBundle = async () => {
    setSubmitted(true);
    if (!environmentId || noType) return;
    setBusy(true);
    setError(null);
    const answer = await api.fetchFromEnvironment(Number(environmentId), {
      bundle: { contentTypes: all ? 'all' : types, withDependencies, media },
      options: { onError, ...(dryRun ? { dryRun: true } : {}) },
    });
    setBusy(false);
    if (answer.ok) {
      setSubmitted(false);
      onStarted(answer.data);
    } else setError(serverMessage(answer.error));
  };

  return (
    <Modal.Root open={open} onOpenChange={(next: boolean) => !next && onClose()}>
      <Modal.Content>
        <Modal.Header>
          <Modal.Title>{formatMessage({ id: getTranslation('environments.fetch.title'), defaultMessage: 'Fetch a bundle from an environment' })}</Modal.Title>
        </Modal.Header>
        <Modal.Body>
          <Flex direction="column" alignItems="stretch" gap={4}>
            <EnvironmentSelect
              environments={environments}
              value={environmentId}
              submitted={submitted}
              onChange={setEnvironmentId}
            />
            <Field.Root
              name="types"
              error={
                submitted && noType
                  ? formatMessage({ id: getTranslation('bundleExport.types.required'), defaultMessage: 'Choose at least one content type.' })
                  : undefined
              }
            >
              <Field.Label>{formatMessage({ id: getTranslation('bundleExport.section.types'), defaultMessage: 'Content types' })}</Field.Label>
              <Flex direction="column" alignItems="stretch" gap={2}>
                <Checkbox checked={all} onCheckedChange={(checked: boolean | 'indeterminate') => setAll(checked === true)}>
                  {formatMessage({ id: getTranslation('bundleExport.types.all'), defaultMessage: 'All content types' })}
                </Checkbox>
                <Box paddingLeft={4}>
                  <Grid.Root gap={2}>
                    {contentTypes.map((contentType) => (
                      <Grid.Item key={contentType.uid} col={6} s={12}>
                        <Checkbox
                          disabled={all}
                          checked={all || types.includes(contentType.uid)}
                          onCheckedChange={(checked: boolean | 'indeterminate') =>
                            setTypes((current) => (checked === true ? [...current, contentType.uid] : current.filter((uid) => uid !== contentType.uid)))
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
            <Toggle
              name="withDependencies"
              label={formatMessage({ id: getTranslation('bundleExport.withDependencies'), defaultMessage: 'With dependencies' })}
              hint={formatMessage({ id: getTranslation('environments.fetch.withDependencies.hint'), defaultMessage: 'Add the entries they refer to' })}
              checked={withDependencies}
              onChange={setWithDependencies}
            />
            <Toggle
              name="media"
              label={formatMessage({ id: getTranslation('bundleExport.media'), defaultMessage: 'Media files' })}
              hint={formatMessage({ id: getTranslation('bundleExport.media.hint'), defaultMessage: 'Carry the files the entries use, each once' })}
              checked={media}
              onChange={setMedia}
            />
            <ImportChoices onError={onError} dryRun={dryRun} onOnError={setOnError} onDryRun={setDryRun} />
            <Typography variant="pi" textColor="neutral600">
              {formatMessage({
                id: getTranslation('environments.fetch.wait'),
                defaultMessage: 'The export runs there first (up to 5 minutes); the import then runs here as any task.',
              })}
            </Typography>
            {error ? (
              <Typography textColor="danger600" role="alert">
                {error}
              </Typography>
            ) : null}
          </Flex>
        </Modal.Body>
        <Modal.Footer>
          <Modal.Close>
            <Button variant="tertiary">{formatMessage({ id: getTranslation('actions.cancel'), defaultMessage: 'Cancel' })}</Button>
          </Modal.Close>
          <Button loading={busy} onClick={() => void fetchBundle()}>
            {formatMessage({ id: getTranslation('environments.fetch.submit'), defaultMessage: 'Fetch and import' })}
          </Button>
        </Modal.Footer>
      </Modal.Content>
    </Modal.Root>
  );
};

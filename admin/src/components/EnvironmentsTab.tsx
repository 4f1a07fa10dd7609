import { Button, Dialog, EmptyStateLayout, Flex, IconButton, Modal, Table, Tbody, Td, Th, Thead, Tr, Typography, VisuallyHidden } from '@strapi/design-system';
import { Pencil, Trash } from '@strapi/icons';
import { EmptyDocuments } from '@strapi/icons/symbols';
import { ConfirmDialog, Page, useNotification } from '@strapi/strapi/admin';
import { useState, type FormEvent } from 'react';
import { useIntl } from 'react-intl';
import type { Environment } from '../../../shared/contracts';
import { useApi } from '../hooks/useApi';
import { fieldOf, serverMessage, useEnvironments } from '../hooks/useEnvironments';
import { getTranslation } from '../utils/getTranslation';
import { TextField } from './fields';

const COLUMNS = [
  { name: 'name', label: 'Name' },
  { name: 'url', label: 'URL' },
  { name: 'check', label: 'Connection' },
] as const;

type CheckResult = { state: 'checking' } | { state: 'ok'; version: string; bundleFormat: number } | { state: 'error'; message: string };

interface FormProps {
  /** null: a new environment. */
  environment: Environment | null;
  onClose: () => void;
  onSaved: (environment: Environment) => void;
}

/**
 * Adds or edits an environment: its name, the server's URL and an API token issued there (a password field; on edit,
 * left empty it keeps the stored token, which is never shown). The server's refusal shows under the field it names.
 */
export const EnvironmentForm = ({ environment, onClose, onSaved }: FormProps) => {
  const { formatMessage } = useIntl();
  const api = useApi();
  const [name, setName] = useState(environment?.name ?? '');
  const [url, setUrl] = useState(environment?.url ?? '');
  const [token, setToken] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    const body = { name, url, ...(token || !environment ? { token } : {}) };
    const result = environment ? await api.updateEnvironment(environment.id, body) : await api.createEnvironment({ name, url, token });
    setSaving(false);
    if (result.ok) onSaved(result.data);
    else setError({ field: fieldOf(result.error), message: serverMessage(result.error) ?? '' });
  };

  const errorOf = (field: string) => (error?.field === field ? error.message : undefined);

  return (
    <Modal.Root open onOpenChange={(open: boolean) => !open && onClose()}>
      <Modal.Content>
        <form onSubmit={(event) => void submit(event)} noValidate>
          <Modal.Header>
            <Modal.Title>
              {environment
                ? formatMessage({ id: getTranslation('environments.form.editTitle'), defaultMessage: 'Edit the environment' })
                : formatMessage({ id: getTranslation('environments.form.addTitle'), defaultMessage: 'Add an environment' })}
            </Modal.Title>
          </Modal.Header>
          <Modal.Body>
            <Flex direction="column" alignItems="stretch" gap={4}>
              <TextField
                name="name"
                required
                label={formatMessage({ id: getTranslation('environments.form.name'), defaultMessage: 'Name' })}
                placeholder="Staging"
                value={name}
                error={errorOf('name')}
                onChange={setName}
              />
              <TextField
                name="url"
                required
                type="url"
                label={formatMessage({ id: getTranslation('environments.form.url'), defaultMessage: 'URL of the Strapi server' })}
                placeholder="https://staging.example.com"
                hint={formatMessage({
                  id: getTranslation('environments.form.url.hint'),
                  defaultMessage: 'Its root address. HTTPS certificates are verified.',
                })}
                value={url}
                error={errorOf('url')}
                onChange={setUrl}
              />
              <TextField
                name="token"
                required={!environment}
                type="password"
                label={formatMessage({ id: getTranslation('environments.form.token'), defaultMessage: 'API token' })}
                hint={
                  environment
                    ? formatMessage({
                        id: getTranslation('environments.form.token.keep'),
                        defaultMessage: 'Leave empty to keep the stored token. It is stored encrypted and never shown.',
                      })
                    : formatMessage({
                        id: getTranslation('environments.form.token.hint'),
                        defaultMessage: 'An API token of that instance (Settings → API Tokens there). It is stored encrypted and never shown.',
                      })
                }
                value={token}
                error={errorOf('token')}
                onChange={setToken}
              />
              {error && (error.field === null || !['name', 'url', 'token'].includes(error.field)) ? (
                <Typography textColor="danger600" role="alert">
                  {error.message}
                </Typography>
              ) : null}
            </Flex>
          </Modal.Body>
          <Modal.Footer>
            <Modal.Close>
              <Button variant="tertiary">{formatMessage({ id: getTranslation('actions.cancel'), defaultMessage: 'Cancel' })}</Button>
            </Modal.Close>
            <Button type="submit" loading={saving}>
              {formatMessage({ id: getTranslation('environments.form.save'), defaultMessage: 'Save' })}
            </Button>
          </Modal.Footer>
        </form>
      </Modal.Content>
    </Modal.Root>
  );
};

/**
 * The Environments tab: other instances this one sends bundles to and fetches bundles from. Add, edit, delete, and
 * check a connection (the other center's version, or why it cannot be reached or refuses the token). Shown only to
 * users with the environments action.
 */
export const EnvironmentsTab = ({ adding, onAddingChange }: { adding: boolean; onAddingChange: (adding: boolean) => void }) => {
  const { formatMessage } = useIntl();
  const { toggleNotification } = useNotification();
  const api = useApi();
  const { environments, isLoading, isError, refetch } = useEnvironments();
  const [editing, setEditing] = useState<Environment | null>(null);
  const [toDelete, setToDelete] = useState<Environment | null>(null);
  const [checks, setChecks] = useState<Record<number, CheckResult>>({});

  const check = async (environment: Environment) => {
    setChecks((all) => ({ ...all, [environment.id]: { state: 'checking' } }));
    const result = await api.checkEnvironment(environment.id);
    setChecks((all) => ({
      ...all,
      [environment.id]: result.ok
        ? { state: 'ok', version: result.data.version, bundleFormat: result.data.bundleFormat }
        : { state: 'error', message: serverMessage(result.error) ?? '' },
    }));
  };

  const saved = (environment: Environment) => {
    setEditing(null);
    onAddingChange(false);
    setChecks(({ [environment.id]: _stale, ...rest }) => rest);
    toggleNotification({
      type: 'success',
      message: formatMessage({ id: getTranslation('environments.notification.saved'), defaultMessage: 'Environment "{name}" saved.' }, { name: environment.name }),
    });
    void refetch();
  };

  const remove = async () => {
    if (!toDelete) return;
    const deleted = await api.deleteEnvironment(toDelete);
    setToDelete(null);
    if (deleted) {
      toggleNotification({
        type: 'success',
        message: formatMessage({ id: getTranslation('environments.notification.deleted'), defaultMessage: 'Environment "{name}" deleted.' }, { name: deleted.name }),
      });
      void refetch();
    }
  };

  const form = adding || editing ? <EnvironmentForm environment={editing} onClose={() => (setEditing(null), onAddingChange(false))} onSaved={saved} /> : null;

  if (isLoading && environments.length === 0) return <Page.Loading />;
  if (isError && environments.length === 0) return <Page.Error />;

  if (environments.length === 0) {
    return (
      <>
        <EmptyStateLayout
          icon={<EmptyDocuments width="16rem" />}
          content={formatMessage({
            id: getTranslation('environments.empty'),
            defaultMessage: 'No environments yet. Add another instance of this project to send bundles to it or fetch bundles from it.',
          })}
        />
        {form}
      </>
    );
  }

  return (
    <>
      <Table colCount={COLUMNS.length + 1} rowCount={environments.length + 1}>
        <Thead>
          <Tr>
            {COLUMNS.map((column) => (
              <Th key={column.name}>
                <Typography variant="sigma" textColor="neutral600">
                  {formatMessage({ id: getTranslation(`environments.column.${column.name}`), defaultMessage: column.label })}
                </Typography>
              </Th>
            ))}
            <Th>
              <VisuallyHidden>{formatMessage({ id: getTranslation('environments.column.actions'), defaultMessage: 'Actions' })}</VisuallyHidden>
            </Th>
          </Tr>
        </Thead>
        <Tbody>
          {environments.map((environment) => {
            const result = checks[environment.id];
            return (
              <Tr key={environment.id}>
                <Td>
                  <Typography textColor="neutral800" fontWeight="semiBold">
                    {environment.name}
                  </Typography>
                </Td>
                <Td>
                  <Typography textColor="neutral800">{environment.url}</Typography>
                </Td>
                <Td maxWidth="40rem">
                  <Flex direction="column" alignItems="flex-start" gap={1}>
                    <Button variant="tertiary" size="S" loading={result?.state === 'checking'} onClick={() => void check(environment)}>
                      {formatMessage(
                        { id: getTranslation('environments.actions.check'), defaultMessage: 'Check connection' },
                        { name: environment.name }
                      )}
                    </Button>
                    {result?.state === 'ok' ? (
                      <Typography variant="pi" textColor="success600">
                        {formatMessage(
                          { id: getTranslation('environments.check.ok'), defaultMessage: 'Connected: Data Migration Center {version}, bundle format {bundleFormat}' },
                          { version: result.version, bundleFormat: result.bundleFormat }
                        )}
                      </Typography>
                    ) : null}
                    {result?.state === 'error' ? (
                      <Typography variant="pi" textColor="danger600" role="alert">
                        {result.message}
                      </Typography>
                    ) : null}
                  </Flex>
                </Td>
                <Td>
                  <Flex gap={1} justifyContent="flex-end">
                    <IconButton
                      variant="ghost"
                      label={formatMessage({ id: getTranslation('environments.actions.edit'), defaultMessage: 'Edit {name}' }, { name: environment.name })}
                      onClick={() => setEditing(environment)}
                    >
                      <Pencil />
                    </IconButton>
                    <IconButton
                      variant="ghost"
                      label={formatMessage({ id: getTranslation('environments.actions.delete'), defaultMessage: 'Delete {name}' }, { name: environment.name })}
                      onClick={() => setToDelete(environment)}
                    >
                      <Trash />
                    </IconButton>
                  </Flex>
                </Td>
              </Tr>
            );
          })}
        </Tbody>
      </Table>

      <Dialog.Root open={toDelete !== null} onOpenChange={(open: boolean) => !open && setToDelete(null)}>
        <ConfirmDialog onConfirm={remove} variant="danger">
          {formatMessage(
            { id: getTranslation('environments.delete.confirm'), defaultMessage: 'Delete the environment "{name}"? Its token is deleted with it.' },
            { name: toDelete?.name ?? '' }
          )}
        </ConfirmDialog>
      </Dialog.Root>
      {form}
    </>
  );
};

import { Flex } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import { getTranslation } from '../utils/getTranslation';
import { TextField, Toggle } from './fields';

/**
 * Secrets (README, *Secrets*): the password of a task's encrypted private fields. Kept in the page's state only:
 * never in the form values a template is saved from, and sent with the one request that starts the task.
 */
export interface SecretsValue {
  enabled: boolean;
  password: string;
}

export const NO_SECRETS: SecretsValue = { enabled: false, password: '' };

export const SECRETS_MIN_LENGTH = 8;

/** The request's `secrets` option, or undefined. */
export const secretsOption = (value: SecretsValue) => (value.enabled ? { password: value.password } : undefined);

/** The export form's switch "Include private fields (encrypted)" and its password. */
export const ExportSecretsFields = ({
  value,
  onChange,
  format,
  error,
}: {
  value: SecretsValue;
  onChange: (value: SecretsValue) => void;
  format: string;
  error?: string;
}) => {
  const { formatMessage } = useIntl();
  const carried = format === 'json' || format === 'jsont';
  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Toggle
        name="secrets"
        label={formatMessage({ id: getTranslation('secrets.include'), defaultMessage: 'Include private fields (encrypted)' })}
        hint={
          carried
            ? formatMessage({
                id: getTranslation('secrets.include.hint'),
                defaultMessage: 'The private fields you may read, each value encrypted with this password (AES-256-GCM). The password is not stored: keep it to import the file.',
              })
            : formatMessage({ id: getTranslation('secrets.include.formats'), defaultMessage: 'Only JSON and JSONT files carry encrypted private fields.' })
        }
        checked={value.enabled && carried}
        onChange={(enabled) => carried && onChange({ ...value, enabled })}
      />
      {value.enabled && carried ? (
        <TextField
          name="secrets.password"
          type="password"
          required
          label={formatMessage({ id: getTranslation('secrets.password'), defaultMessage: 'Password' })}
          hint={formatMessage({ id: getTranslation('secrets.password.hint'), defaultMessage: 'At least 8 characters.' })}
          error={error}
          value={value.password}
          onChange={(password) => onChange({ ...value, password })}
        />
      ) : null}
    </Flex>
  );
};

/** The import wizard's password, shown when the file's head says it has encrypted private fields. */
export const ImportSecretsField = ({
  fields,
  value,
  onChange,
  error,
}: {
  fields: string[];
  value: SecretsValue;
  onChange: (value: SecretsValue) => void;
  error?: string;
}) => {
  const { formatMessage } = useIntl();
  return (
    <TextField
      name="secrets.password"
      type="password"
      required
      label={formatMessage({ id: getTranslation('secrets.import.password'), defaultMessage: 'Password of the encrypted private fields' })}
      hint={formatMessage(
        { id: getTranslation('secrets.import.hint'), defaultMessage: 'The file carries encrypted private fields ({fields}): give the password it was exported with.' },
        { fields: fields.join(', ') }
      )}
      error={error}
      value={value.password}
      onChange={(password) => onChange({ enabled: true, password })}
    />
  );
};

/** The password's error message, or undefined. */
export const useSecretsError = () => {
  const { formatMessage } = useIntl();
  return (value: SecretsValue): string | undefined =>
    value.enabled && value.password.length < SECRETS_MIN_LENGTH
      ? formatMessage({ id: getTranslation('secrets.password.short'), defaultMessage: 'The password must be at least 8 characters.' })
      : undefined;
};

import { useCallback } from 'react';
import { useIntl } from 'react-intl';
import type { FormErrorKey } from '../utils/forms';
import { getTranslation } from '../utils/getTranslation';

const MESSAGES: Record<FormErrorKey, string> = {
  required: 'This value is required.',
  invalidJson: 'This is not valid JSON.',
  notAnObject: 'Filters must be a JSON object (between curly brackets).',
  noFields: 'Choose at least one field.',
  duplicateTarget: 'Two fields of the file go to the same attribute.',
  invalidSort: 'Not a sort by an attribute.',
  invalidCron: 'A cron expression has 5 fields: minute hour day-of-month month day-of-week, such as 0 3 * * *.',
  invalidTimezone: 'Not a time zone: use an IANA name such as Europe/Paris or UTC.',
  invalidKeep: 'A whole number from 1 to 1000, or empty to keep every run.',
  invalidTransform: 'A transform expression is not valid JSONata: see the message under it.',
};

/** The translated message of a form error key (undefined for no error). */
export const useErrorMessage = () => {
  const { formatMessage } = useIntl();
  return useCallback(
    (key: FormErrorKey | undefined) =>
      key ? formatMessage({ id: getTranslation(`form.error.${key}`), defaultMessage: MESSAGES[key] }) : undefined,
    [formatMessage]
  );
};

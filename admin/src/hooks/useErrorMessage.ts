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

import { useIntl } from 'react-intl';
import type { ContentTypeInfo } from '../../../shared/contracts';
import { getTranslation } from '../utils/getTranslation';
import { SelectField } from './fields';

/** The content type to export or import: every type the center offers, collection or single. */
export const ContentTypeField = ({
  value,
  contentTypes,
  error,
  disabled,
  hint,
  onChange,
}: {
  value: string;
  contentTypes: readonly ContentTypeInfo[];
  error?: string;
  disabled?: boolean;
  hint?: string;
  onChange: (uid: string) => void;
}) => {
  const { formatMessage } = useIntl();
  return (
    <SelectField
      name="contentType"
      label={formatMessage({ id: getTranslation('form.contentType'), defaultMessage: 'Content type' })}
      placeholder={formatMessage({ id: getTranslation('form.contentType.placeholder'), defaultMessage: 'Choose a content type' })}
      hint={hint}
      required
      error={error}
      disabled={disabled}
      value={value}
      options={contentTypes.map((contentType) => ({
        value: contentType.uid,
        label: formatMessage(
          contentType.kind === 'singleType'
            ? { id: getTranslation('form.contentType.single'), defaultMessage: '{name} (single type)' }
            : { id: getTranslation('form.contentType.collection'), defaultMessage: '{name} (collection type)' },
          { name: contentType.displayName }
        ),
      }))}
      onChange={onChange}
    />
  );
};

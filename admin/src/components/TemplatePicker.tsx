import { useIntl } from 'react-intl';
import type { ContentTypeInfo, Template, TemplateId } from '../../../shared/contracts';
import { getTranslation } from '../utils/getTranslation';
import { SelectField } from './fields';

const NONE = 'none';

/** "Template (optional)": picking one fills the form with its settings. A broken one is marked (the server refuses it). */
export const TemplatePicker = ({
  templates,
  contentTypes,
  value,
  disabled,
  onChange,
}: {
  templates: readonly Template[];
  contentTypes: readonly ContentTypeInfo[];
  value: TemplateId | null;
  disabled?: boolean;
  onChange: (template: Template | null) => void;
}) => {
  const { formatMessage } = useIntl();
  const displayName = (uid: string) => contentTypes.find((contentType) => contentType.uid === uid)?.displayName ?? uid;
  return (
    <SelectField
      name="template"
      label={formatMessage({ id: getTranslation('form.template'), defaultMessage: 'Template' })}
      hint={formatMessage({
        id: getTranslation('form.template.hint'),
        defaultMessage: 'Optional: start from saved settings.',
      })}
      disabled={disabled}
      value={value === null ? NONE : String(value)}
      options={[
        { value: NONE, label: formatMessage({ id: getTranslation('form.template.none'), defaultMessage: 'None' }) },
        ...templates.map((template) => {
          const label = `${template.name} (${displayName(template.contentType)})`;
          return {
            value: String(template.id),
            label: template.broken
              ? formatMessage({ id: getTranslation('form.template.broken'), defaultMessage: '{name} (broken)' }, { name: label })
              : label,
          };
        }),
      ]}
      onChange={(next) => onChange(next === NONE ? null : (templates.find((template) => String(template.id) === next) ?? null))}
    />
  );
};

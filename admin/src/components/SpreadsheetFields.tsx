import { Box, Checkbox, Field, Grid } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import type { CsvDelimiter } from '../../../shared/contracts';
import { getTranslation } from '../utils/getTranslation';
import { SelectField } from './fields';

/**
 * The settings of spreadsheet files, shared by the import and export forms: a CSV's delimiter (import: detected
 * unless chosen; export: comma by default), a byte order mark for Excel (export), decimal commas (import).
 */

type DelimiterChoice = 'auto' | 'comma' | 'semicolon' | 'tab';
const TO_DELIMITER: Record<Exclude<DelimiterChoice, 'auto'>, CsvDelimiter> = { comma: ',', semicolon: ';', tab: '\t' };
const toChoice = (delimiter: CsvDelimiter | ''): DelimiterChoice =>
  delimiter === ';' ? 'semicolon' : delimiter === '\t' ? 'tab' : delimiter === ',' ? 'comma' : 'auto';

const useDelimiterOptions = (withAuto: boolean) => {
  const { formatMessage } = useIntl();
  return [
    ...(withAuto
      ? [{ value: 'auto' as const, label: formatMessage({ id: getTranslation('form.csvDelimiter.auto'), defaultMessage: 'From the header row' }) }]
      : []),
    { value: 'comma' as const, label: formatMessage({ id: getTranslation('form.csvDelimiter.comma'), defaultMessage: 'Comma (,)' }) },
    {
      value: 'semicolon' as const,
      label: formatMessage({ id: getTranslation('form.csvDelimiter.semicolon'), defaultMessage: 'Semicolon (;), as Excel writes where decimals take a comma' }),
    },
    { value: 'tab' as const, label: formatMessage({ id: getTranslation('form.csvDelimiter.tab'), defaultMessage: 'Tab' }) },
  ];
};

export interface CsvDelimiterFieldProps {
  value: CsvDelimiter | '';
  onChange: (delimiter: CsvDelimiter | '') => void;
  /** Import: '' reads the header row's own delimiter. */
  detect?: boolean;
  disabled?: boolean;
}

export const CsvDelimiterField = ({ value, onChange, detect = false, disabled }: CsvDelimiterFieldProps) => {
  const { formatMessage } = useIntl();
  const options = useDelimiterOptions(detect);
  return (
    <SelectField<DelimiterChoice>
      name="csvDelimiter"
      label={formatMessage({ id: getTranslation('form.csvDelimiter'), defaultMessage: 'CSV delimiter' })}
      disabled={disabled}
      value={detect ? toChoice(value) : toChoice(value || ',')}
      options={options}
      onChange={(choice) => onChange(choice === 'auto' ? '' : TO_DELIMITER[choice])}
    />
  );
};

export interface CheckboxFieldProps {
  name: string;
  label: string;
  hint: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
}

/** One checkbox with its hint, in a form grid cell. */
export const CheckboxField = ({ name, label, hint, checked, onChange, disabled }: CheckboxFieldProps) => (
  <Grid.Item col={6} s={12} direction="column" alignItems="stretch">
    <Field.Root name={name} hint={hint}>
      <Box paddingTop={6}>
        <Checkbox name={name} checked={checked} disabled={disabled} onCheckedChange={(next: boolean | 'indeterminate') => onChange(next === true)}>
          {label}
        </Checkbox>
      </Box>
      <Field.Hint />
    </Field.Root>
  </Grid.Item>
);

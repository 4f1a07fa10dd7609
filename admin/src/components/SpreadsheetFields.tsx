import { Box, Checkbox, Field, Grid } from '@strapi/design-system';
import { useIntl } from 'react-intl';
import type { CsvDelimiter, TextEncoding } from '../../../shared/contracts';
import { getTranslation } from '../utils/getTranslation';
import { SelectField } from './fields';

/**
 * The settings of spreadsheet files, shared by the import and export forms: a CSV's delimiter (import: detected
 * unless chosen; export: comma by default), a byte order mark for Excel (export), decimal commas (import), a text
 * file's encoding (import).
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

export interface EncodingFieldProps {
  /** '' until a file says it (its first bytes) or it is chosen. */
  value: TextEncoding | '';
  onChange: (encoding: TextEncoding) => void;
  hint?: string;
  disabled?: boolean;
}

/** Import of a text file (not XLSX): the encoding it is read in (UTF-8 unless chosen, or guessed from the file). */
export const EncodingField = ({ value, onChange, hint, disabled }: EncodingFieldProps) => {
  const { formatMessage } = useIntl();
  const options: Array<{ value: TextEncoding; label: string }> = [
    { value: 'utf-8', label: formatMessage({ id: getTranslation('form.encoding.utf8'), defaultMessage: 'UTF-8' }) },
    {
      value: 'windows-1252',
      label: formatMessage({
        id: getTranslation('form.encoding.windows1252'),
        defaultMessage: "Windows-1252 (Western European, Excel's CSV on Windows)",
      }),
    },
    { value: 'utf-16le', label: formatMessage({ id: getTranslation('form.encoding.utf16le'), defaultMessage: 'UTF-16 little endian' }) },
    { value: 'utf-16be', label: formatMessage({ id: getTranslation('form.encoding.utf16be'), defaultMessage: 'UTF-16 big endian' }) },
  ];
  return (
    <SelectField<TextEncoding>
      name="encoding"
      label={formatMessage({ id: getTranslation('form.encoding'), defaultMessage: 'Encoding' })}
      placeholder={formatMessage({ id: getTranslation('form.encoding.auto'), defaultMessage: 'From the file' })}
      hint={hint}
      disabled={disabled}
      value={value}
      options={options}
      onChange={onChange}
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

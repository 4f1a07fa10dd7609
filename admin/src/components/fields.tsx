import { Box, Checkbox, Field, Flex, Radio, SingleSelect, SingleSelectOption, Textarea, TextInput, Typography } from '@strapi/design-system';
import type { ChangeEvent, ReactNode } from 'react';

/**
 * Small labelled inputs built from the design system's Field parts, the way Strapi's own forms put them
 * together (FormInputs in @strapi/admin): label, input, hint, error.
 */

export interface Option<T extends string> {
  value: T;
  label: string;
  hint?: string;
}

interface BaseProps {
  name: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  required?: boolean;
  disabled?: boolean;
}

export const SelectField = <T extends string>({
  name,
  label,
  hint,
  error,
  required,
  disabled,
  value,
  options,
  placeholder,
  onChange,
}: BaseProps & {
  value: T | '';
  options: Array<Option<T>>;
  placeholder?: string;
  onChange: (value: T) => void;
}) => (
  <Field.Root name={name} hint={hint} error={error} required={required}>
    <Field.Label>{label}</Field.Label>
    <SingleSelect
      value={value}
      placeholder={placeholder}
      disabled={disabled}
      onChange={(next) => onChange(String(next) as T)}
    >
      {options.map((option) => (
        <SingleSelectOption key={option.value} value={option.value}>
          {option.label}
        </SingleSelectOption>
      ))}
    </SingleSelect>
    <Field.Hint />
    <Field.Error />
  </Field.Root>
);

export const TextField = ({
  name,
  label,
  hint,
  error,
  required,
  disabled,
  value,
  placeholder,
  type = 'text',
  onChange,
}: BaseProps & { value: string; placeholder?: string; type?: 'text' | 'password' | 'url'; onChange: (value: string) => void }) => (
  <Field.Root name={name} hint={hint} error={error} required={required}>
    <Field.Label>{label}</Field.Label>
    <TextInput
      type={type}
      autoComplete={type === 'password' ? 'new-password' : undefined}
      value={value}
      placeholder={placeholder}
      disabled={disabled}
      onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
    />
    <Field.Hint />
    <Field.Error />
  </Field.Root>
);

export const TextareaField = ({
  name,
  label,
  hint,
  error,
  required,
  disabled,
  value,
  placeholder,
  monospace,
  onChange,
}: BaseProps & { value: string; placeholder?: string; monospace?: boolean; onChange: (value: string) => void }) => (
  <Field.Root name={name} hint={hint} error={error} required={required}>
    <Field.Label>{label}</Field.Label>
    <Textarea
      value={value}
      placeholder={placeholder}
      disabled={disabled}
      spellCheck={false}
      style={monospace ? { fontFamily: 'monospace' } : undefined}
      onChange={(event: ChangeEvent<HTMLTextAreaElement>) => onChange(event.target.value)}
    />
    <Field.Hint />
    <Field.Error />
  </Field.Root>
);

/** A choice shown whole (each option with what it does), as a radio group. */
export const RadioField = <T extends string>({
  name,
  label,
  hint,
  disabled,
  value,
  options,
  onChange,
}: BaseProps & { value: T; options: Array<Option<T>>; onChange: (value: T) => void }) => (
  <Field.Root name={name} hint={hint}>
    <Field.Label>{label}</Field.Label>
    <Radio.Group
      name={name}
      aria-label={label}
      value={value}
      disabled={disabled}
      onValueChange={(next: string) => onChange(next as T)}
    >
      <Flex direction="column" alignItems="stretch" gap={2}>
        {options.map((option) => (
          <Box key={option.value}>
            <Radio.Item value={option.value}>{option.label}</Radio.Item>
            {option.hint ? (
              <Box paddingLeft={6}>
                <Typography variant="pi" textColor="neutral600">
                  {option.hint}
                </Typography>
              </Box>
            ) : null}
          </Box>
        ))}
      </Flex>
    </Radio.Group>
    <Field.Hint />
  </Field.Root>
);

/** A labelled checkbox with a hint, as the export form's. */
export const Toggle = ({
  name,
  label,
  hint,
  checked,
  onChange,
}: {
  name: string;
  label: string;
  hint: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}) => (
  <Field.Root name={name} hint={hint}>
    <Checkbox checked={checked} onCheckedChange={(value: boolean | 'indeterminate') => onChange(value === true)}>
      {label}
    </Checkbox>
    <Field.Hint />
  </Field.Root>
);


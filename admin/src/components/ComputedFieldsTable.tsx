import { Box, Button, Flex, IconButton, SingleSelect, SingleSelectOption, TextInput, Typography } from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import type { ChangeEvent } from 'react';
import { useIntl } from 'react-intl';
import { getTranslation } from '../utils/getTranslation';
import { transformError, type ComputedRow, type MappingTarget } from '../utils/mapping';

export interface ComputedFieldsTableProps {
  rows: ComputedRow[];
  targets: MappingTarget[];
  onChange: (rows: ComputedRow[]) => void;
  disabled?: boolean;
}

/** Computed fields: an attribute and the JSONata expression that computes it from the whole item (`$`). */
export const ComputedFieldsTable = ({ rows, targets, onChange, disabled }: ComputedFieldsTableProps) => {
  const { formatMessage } = useIntl();
  const update = (index: number, patch: Partial<ComputedRow>) =>
    onChange(rows.map((row, position) => (position === index ? { ...row, ...patch } : row)));

  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Typography variant="pi" textColor="neutral600">
        {formatMessage({
          id: getTranslation('computed.hint'),
          defaultMessage: 'Attributes computed from the whole item by a JSONata expression, such as firstName & " " & lastName.',
        })}
      </Typography>
      {rows.map((row, index) => {
        const error = transformError(row.expression);
        const position = String(index + 1);
        return (
          <Flex key={index} gap={2} alignItems="flex-start">
            <Box minWidth="16rem">
              <SingleSelect
                aria-label={formatMessage({ id: getTranslation('computed.attribute.label'), defaultMessage: 'Computed attribute {position}' }, { position })}
                size="S"
                disabled={disabled}
                placeholder={formatMessage({ id: getTranslation('computed.attribute.placeholder'), defaultMessage: 'Attribute' })}
                value={row.attribute || undefined}
                onChange={(value: string | number) => update(index, { attribute: String(value) })}
              >
                {targets.map((target) => (
                  <SingleSelectOption key={target.path} value={target.path}>
                    {`${target.path} (${target.type})`}
                  </SingleSelectOption>
                ))}
              </SingleSelect>
            </Box>
            <Box flex="1">
              <TextInput
                aria-label={formatMessage({ id: getTranslation('computed.expression.label'), defaultMessage: 'Expression {position}' }, { position })}
                size="S"
                disabled={disabled}
                value={row.expression}
                hasError={error !== null}
                placeholder={formatMessage({ id: getTranslation('computed.expression.placeholder'), defaultMessage: 'JSONata expression' })}
                onChange={(event: ChangeEvent<HTMLInputElement>) => update(index, { expression: event.target.value })}
              />
              {error ? (
                <Typography variant="pi" textColor="danger600" role="alert">
                  {error}
                </Typography>
              ) : null}
            </Box>
            <IconButton
              variant="ghost"
              disabled={disabled}
              label={formatMessage({ id: getTranslation('computed.remove'), defaultMessage: 'Remove this computed field' })}
              onClick={() => onChange(rows.filter((_, other) => other !== index))}
            >
              <Trash />
            </IconButton>
          </Flex>
        );
      })}
      <Box>
        <Button variant="secondary" startIcon={<Plus />} disabled={disabled} onClick={() => onChange([...rows, { attribute: '', expression: '' }])}>
          {formatMessage({ id: getTranslation('computed.add'), defaultMessage: 'Add a computed field' })}
        </Button>
      </Box>
    </Flex>
  );
};

import {
  Box,
  Button,
  Field,
  Flex,
  Grid,
  IconButton,
  MultiSelect,
  MultiSelectOption,
  SingleSelect,
  SingleSelectOption,
  TextInput,
  Typography,
} from '@strapi/design-system';
import { Plus, Trash } from '@strapi/icons';
import { useMemo, useState, type ChangeEvent } from 'react';
import { useIntl, type MessageDescriptor } from 'react-intl';
import type { AttributeInfo, AttributeType, ContentTypeInfo } from '../../../shared/contracts';
import {
  emptyRow,
  filterFields,
  filtersToRows,
  OPERATORS_BY_KIND,
  rowsToFilters,
  rowValue,
  takesValue,
  type FilterField,
  type FilterOperator,
  type FilterRow,
} from '../utils/filters';
import { getTranslation } from '../utils/getTranslation';

const OPERATOR_MESSAGES: Record<FilterOperator, MessageDescriptor> = {
  $eq: { id: getTranslation('filters.operator.eq'), defaultMessage: 'is' },
  $ne: { id: getTranslation('filters.operator.ne'), defaultMessage: 'is not' },
  $lt: { id: getTranslation('filters.operator.lt'), defaultMessage: 'is lower than' },
  $lte: { id: getTranslation('filters.operator.lte'), defaultMessage: 'is lower than or equal to' },
  $gt: { id: getTranslation('filters.operator.gt'), defaultMessage: 'is greater than' },
  $gte: { id: getTranslation('filters.operator.gte'), defaultMessage: 'is greater than or equal to' },
  $contains: { id: getTranslation('filters.operator.contains'), defaultMessage: 'contains' },
  $notContains: { id: getTranslation('filters.operator.notContains'), defaultMessage: 'does not contain' },
  $containsi: { id: getTranslation('filters.operator.containsi'), defaultMessage: 'contains (case insensitive)' },
  $startsWith: { id: getTranslation('filters.operator.startsWith'), defaultMessage: 'starts with' },
  $endsWith: { id: getTranslation('filters.operator.endsWith'), defaultMessage: 'ends with' },
  $null: { id: getTranslation('filters.operator.null'), defaultMessage: 'is null' },
  $notNull: { id: getTranslation('filters.operator.notNull'), defaultMessage: 'is not null' },
  $in: { id: getTranslation('filters.operator.in'), defaultMessage: 'is one of' },
};

/** What a date-like value looks like, as Strapi reads it. */
const DATE_PLACEHOLDERS: Partial<Record<AttributeType, string>> = {
  date: '2024-01-31',
  datetime: '2024-01-31T12:00:00.000Z',
  timestamp: '2024-01-31T12:00:00.000Z',
  time: '12:00:00',
};

export interface FilterBuilderProps {
  /** The content type's attributes (what `filterFields` offers of them). */
  attributes: readonly AttributeInfo[];
  /** The content types, for the keys of relations' targets (their `matchKeys`). */
  contentTypes: readonly ContentTypeInfo[];
  /** The current filters (rows must be able to show them: see `filtersToRows`); undefined for none. */
  value: Record<string, unknown> | undefined;
  /** The filters of the rows (`{}` for none), on each change that alters them. */
  onChange: (filters: Record<string, unknown>) => void;
  disabled?: boolean;
}

/**
 * Export filters as the Content Manager builds them: rows of (field, operator, value), combined with `$and`.
 * The rows are kept here (a row not complete yet is left out of the filters); filters given from outside (a
 * template, the JSON text box) replace them.
 */
export const FilterBuilder = ({ attributes, contentTypes, value, onChange, disabled }: FilterBuilderProps) => {
  const { formatMessage } = useIntl();
  const fields = useMemo(() => filterFields(attributes, contentTypes), [attributes, contentTypes]);
  const fieldByPath = useMemo(() => new Map(fields.map((field) => [field.path, field])), [fields]);

  const valueKey = JSON.stringify(value ?? {});
  const [rows, setRows] = useState<FilterRow[]>(() => filtersToRows(value ?? {}, fields) ?? []);
  /** The filters the rows stand for, as JSON: when `value` differs, it came from outside. */
  const [rowsKey, setRowsKey] = useState(valueKey);
  if (valueKey !== rowsKey) {
    setRowsKey(valueKey);
    setRows(filtersToRows(value ?? {}, fields) ?? []);
  }

  const commit = (next: FilterRow[]) => {
    setRows(next);
    const filters = rowsToFilters(next);
    const key = JSON.stringify(filters);
    if (key === rowsKey) return;
    setRowsKey(key);
    onChange(filters);
  };
  const update = (index: number, change: (row: FilterRow) => FilterRow) =>
    commit(rows.map((row, position) => (position === index ? change(row) : row)));

  const choosePath = (index: number, path: string) => {
    const field = fieldByPath.get(path);
    if (!field) return;
    update(index, (row) => ({
      path,
      kind: field.kind,
      operator: OPERATORS_BY_KIND[field.kind].includes(row.operator) ? row.operator : '$eq',
      // A value of the same kind stays (an enumeration's only within the same field).
      value: row.path !== '' && row.kind === field.kind && (field.kind !== 'enumeration' || row.path === path) ? row.value : '',
    }));
  };

  if (fields.length === 0) {
    return (
      <Typography variant="omega" textColor="neutral600">
        {formatMessage({ id: getTranslation('filters.noFields'), defaultMessage: 'This content type has no field to filter on.' })}
      </Typography>
    );
  }

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      {rows.length === 0 ? (
        <Typography variant="omega" textColor="neutral600">
          {formatMessage({ id: getTranslation('filters.empty'), defaultMessage: 'No filters: every entry is exported.' })}
        </Typography>
      ) : null}
      {rows.map((row, index) => {
        const number = index + 1;
        return (
          <Box
            key={index}
            role="group"
            aria-label={formatMessage({ id: getTranslation('filters.row'), defaultMessage: 'Filter {number}' }, { number })}
          >
            <Grid.Root gap={4}>
              <Grid.Item col={4} s={12} direction="column" alignItems="stretch">
                <Field.Root name={`filters.${index}.field`}>
                  <Field.Label>{formatMessage({ id: getTranslation('filters.field'), defaultMessage: 'Field' })}</Field.Label>
                  <SingleSelect
                    value={row.path}
                    placeholder={formatMessage({ id: getTranslation('filters.field.placeholder'), defaultMessage: 'Choose a field' })}
                    disabled={disabled}
                    onChange={(path) => choosePath(index, String(path))}
                  >
                    {fields.map((field) => (
                      <SingleSelectOption key={field.path} value={field.path}>
                        {field.path}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={3} s={12} direction="column" alignItems="stretch">
                <Field.Root name={`filters.${index}.operator`}>
                  <Field.Label>{formatMessage({ id: getTranslation('filters.operator'), defaultMessage: 'Operator' })}</Field.Label>
                  <SingleSelect
                    value={row.operator}
                    disabled={disabled || row.path === ''}
                    onChange={(operator) => update(index, (current) => ({ ...current, operator: operator as FilterOperator }))}
                  >
                    {OPERATORS_BY_KIND[row.kind].map((operator) => (
                      <SingleSelectOption key={operator} value={operator}>
                        {formatMessage(OPERATOR_MESSAGES[operator])}
                      </SingleSelectOption>
                    ))}
                  </SingleSelect>
                </Field.Root>
              </Grid.Item>
              <Grid.Item col={4} s={10} direction="column" alignItems="stretch">
                {takesValue(row.operator) ? (
                  <ValueInput
                    index={index}
                    row={row}
                    field={fieldByPath.get(row.path)}
                    disabled={disabled || row.path === ''}
                    onChange={(text) => update(index, (current) => ({ ...current, value: text }))}
                  />
                ) : null}
              </Grid.Item>
              <Grid.Item col={1} s={2} direction="column" alignItems="flex-end">
                <Box paddingTop={6}>
                  <IconButton
                    variant="ghost"
                    disabled={disabled}
                    label={formatMessage({ id: getTranslation('filters.remove'), defaultMessage: 'Remove filter {number}' }, { number })}
                    onClick={() => commit(rows.filter((_row, position) => position !== index))}
                  >
                    <Trash />
                  </IconButton>
                </Box>
              </Grid.Item>
            </Grid.Root>
          </Box>
        );
      })}
      <Box>
        <Button variant="secondary" startIcon={<Plus />} disabled={disabled} onClick={() => commit([...rows, emptyRow()])}>
          {formatMessage({ id: getTranslation('filters.add'), defaultMessage: 'Add a filter' })}
        </Button>
      </Box>
    </Flex>
  );
};

/**
 * A row's value: a select of true/false or of an enumeration's values (several for `$in`), else text (several
 * separated by commas).
 */
const ValueInput = ({
  index,
  row,
  field,
  disabled,
  onChange,
}: {
  index: number;
  row: FilterRow;
  field: FilterField | undefined;
  disabled: boolean;
  onChange: (text: string) => void;
}) => {
  const { formatMessage } = useIntl();
  const label = formatMessage({ id: getTranslation('filters.value'), defaultMessage: 'Value' });
  const converted = rowValue(row);
  const missing = row.path !== '' && converted.error === 'empty';
  const error =
    converted.error === 'notANumber'
      ? formatMessage({ id: getTranslation('filters.value.notANumber'), defaultMessage: 'Enter a number.' })
      : converted.error === 'notAnInteger'
        ? formatMessage({ id: getTranslation('filters.value.notAnInteger'), defaultMessage: 'Enter a whole number.' })
        : undefined;
  const options = row.kind === 'boolean' ? ['true', 'false'] : row.kind === 'enumeration' ? (field?.enum ?? []) : null;
  const hint = missing
    ? formatMessage({ id: getTranslation('filters.value.missing'), defaultMessage: 'Left out until it has a value.' })
    : row.operator === '$in' && !options
      ? formatMessage({ id: getTranslation('filters.value.in.hint'), defaultMessage: 'Values separated by commas.' })
      : undefined;
  const placeholder = formatMessage({ id: getTranslation('filters.value.placeholder'), defaultMessage: 'Choose a value' });

  return (
    <Field.Root name={`filters.${index}.value`} hint={hint} error={error}>
      <Field.Label>{label}</Field.Label>
      {options && row.operator === '$in' ? (
        <MultiSelect
          value={row.value
            .split(',')
            .map((part) => part.trim())
            .filter((part) => part !== '')}
          placeholder={placeholder}
          disabled={disabled}
          withTags
          onChange={(values: string[]) => onChange(values.join(', '))}
        >
          {options.map((option) => (
            <MultiSelectOption key={option} value={option}>
              {option}
            </MultiSelectOption>
          ))}
        </MultiSelect>
      ) : options ? (
        <SingleSelect
          value={row.value}
          placeholder={placeholder}
          disabled={disabled}
          onChange={(next) => onChange(String(next))}
        >
          {options.map((option) => (
            <SingleSelectOption key={option} value={option}>
              {option}
            </SingleSelectOption>
          ))}
        </SingleSelect>
      ) : (
        <TextInput
          value={row.value}
          disabled={disabled}
          inputMode={(row.kind === 'number' || row.kind === 'bigint') && row.operator !== '$in' ? 'decimal' : undefined}
          placeholder={row.kind === 'date' && field ? DATE_PLACEHOLDERS[field.type] : undefined}
          onChange={(event: ChangeEvent<HTMLInputElement>) => onChange(event.target.value)}
        />
      )}
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
};

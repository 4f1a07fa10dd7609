import {
  Box,
  Button,
  Flex,
  IconButton,
  SingleSelect,
  SingleSelectOption,
  Table,
  Tbody,
  Td,
  TextInput,
  Th,
  Thead,
  Tr,
  Typography,
  VisuallyHidden,
} from '@strapi/design-system';
import { Plus, Trash, WarningCircle } from '@strapi/icons';
import type { ChangeEvent } from 'react';
import { useIntl } from 'react-intl';
import { duplicateTargets, missingRequired, transformError, type MappingRow, type MappingTarget } from '../utils/mapping';
import { getTranslation } from '../utils/getTranslation';

/** The select's value for "Ignore" (a source field mapped to null). */
const IGNORE = '__ignore__';

export interface FieldMappingTableProps {
  rows: MappingRow[];
  targets: MappingTarget[];
  onChange: (rows: MappingRow[]) => void;
  /** One example value per source field, from the file's first items. */
  samples?: Record<string, string>;
  /** The template form: source fields typed in, rows added and removed (there is no file to read them from). */
  editableSources?: boolean;
  disabled?: boolean;
}

/**
 * The import mapping: each field of the file, the attribute it goes to (auto-matched, changeable), or Ignore.
 */
export const FieldMappingTable = ({ rows, targets, onChange, samples, editableSources, disabled }: FieldMappingTableProps) => {
  const { formatMessage } = useIntl();
  const duplicates = duplicateTargets(rows);
  const missing = editableSources ? [] : missingRequired(rows, targets);
  const ignored = rows.filter((row) => row.target === null).length;

  const update = (index: number, patch: Partial<MappingRow>) =>
    onChange(rows.map((row, position) => (position === index ? { ...row, ...patch } : row)));

  const ignoreLabel = formatMessage({ id: getTranslation('mapping.ignore'), defaultMessage: 'Ignore' });

  return (
    <Flex direction="column" alignItems="stretch" gap={4}>
      {!editableSources ? (
        <Typography variant="pi" textColor="neutral600">
          {formatMessage(
            {
              id: getTranslation('mapping.summary'),
              defaultMessage:
                '{fields, plural, one {# field} other {# fields}} found in the first items of the file; {ignored, plural, =0 {all mapped} one {# ignored} other {# ignored}}.',
            },
            { fields: rows.length, ignored }
          )}
        </Typography>
      ) : null}
      {missing.length > 0 ? (
        <Flex gap={2} padding={3} hasRadius background="warning100" borderColor="warning200">
          <WarningCircle fill="warning600" aria-hidden />
          <Typography textColor="warning700">
            {formatMessage(
              {
                id: getTranslation('mapping.missingRequired'),
                defaultMessage: 'Required attributes no field goes to: {names}. New entries will fail without them.',
              },
              { names: missing.join(', ') }
            )}
          </Typography>
        </Flex>
      ) : null}
      <Table colCount={editableSources ? 4 : samples ? 4 : 3} rowCount={rows.length + 1}>
        <Thead>
          <Tr>
            <Th>
              <Typography variant="sigma" textColor="neutral600">
                {formatMessage({ id: getTranslation('mapping.column.source'), defaultMessage: 'Field in the file' })}
              </Typography>
            </Th>
            {samples && !editableSources ? (
              <Th>
                <Typography variant="sigma" textColor="neutral600">
                  {formatMessage({ id: getTranslation('mapping.column.sample'), defaultMessage: 'Example' })}
                </Typography>
              </Th>
            ) : null}
            <Th>
              <Typography variant="sigma" textColor="neutral600">
                {formatMessage({ id: getTranslation('mapping.column.target'), defaultMessage: 'Attribute' })}
              </Typography>
            </Th>
            <Th>
              <Typography variant="sigma" textColor="neutral600">
                {formatMessage({ id: getTranslation('mapping.column.transform'), defaultMessage: 'Transform (JSONata)' })}
              </Typography>
            </Th>
            {editableSources ? (
              <Th>
                <VisuallyHidden>
                  {formatMessage({ id: getTranslation('mapping.column.actions'), defaultMessage: 'Actions' })}
                </VisuallyHidden>
              </Th>
            ) : null}
          </Tr>
        </Thead>
        <Tbody>
          {rows.map((row, index) => {
            const duplicate = row.target !== null && duplicates.has(row.target);
            const selectLabel = formatMessage(
              { id: getTranslation('mapping.target.label'), defaultMessage: 'Attribute for {field}' },
              { field: row.source || String(index + 1) }
            );
            return (
              <Tr key={editableSources ? index : row.source}>
                <Td>
                  {editableSources ? (
                    <TextInput
                      aria-label={formatMessage({ id: getTranslation('mapping.source.label'), defaultMessage: 'Field in the file' })}
                      value={row.source}
                      disabled={disabled}
                      onChange={(event: ChangeEvent<HTMLInputElement>) => update(index, { source: event.target.value })}
                    />
                  ) : (
                    <Typography textColor="neutral800" fontWeight="semiBold">
                      {row.source}
                    </Typography>
                  )}
                </Td>
                {samples && !editableSources ? (
                  <Td maxWidth="24rem">
                    <Typography textColor="neutral600" ellipsis>
                      {samples[row.source] ?? ''}
                    </Typography>
                  </Td>
                ) : null}
                <Td>
                  <Box minWidth="24rem">
                    <SingleSelect
                      aria-label={selectLabel}
                      size="S"
                      disabled={disabled}
                      hasError={duplicate}
                      value={row.target ?? IGNORE}
                      onChange={(value: string | number) => update(index, { target: value === IGNORE ? null : String(value) })}
                    >
                      <SingleSelectOption value={IGNORE}>{ignoreLabel}</SingleSelectOption>
                      {targets.map((target) => (
                        <SingleSelectOption key={target.path} value={target.path}>
                          {`${target.path}${target.required ? ' *' : ''} (${target.type})`}
                        </SingleSelectOption>
                      ))}
                    </SingleSelect>
                    {duplicate ? (
                      <Typography variant="pi" textColor="danger600">
                        {formatMessage({
                          id: getTranslation('form.error.duplicateTarget'),
                          defaultMessage: 'Two fields of the file go to the same attribute.',
                        })}
                      </Typography>
                    ) : null}
                  </Box>
                </Td>
                <Td>
                  <Box minWidth="16rem">
                    <TextInput
                      aria-label={formatMessage(
                        { id: getTranslation('mapping.transform.label'), defaultMessage: 'Transform of {field}' },
                        { field: row.source || String(index + 1) }
                      )}
                      placeholder={formatMessage({ id: getTranslation('mapping.transform.placeholder'), defaultMessage: 'None ($ is the value, $item the item)' })}
                      size="S"
                      disabled={disabled || row.target === null}
                      value={row.transform ?? ''}
                      hasError={transformError(row.transform ?? '') !== null}
                      onChange={(event: ChangeEvent<HTMLInputElement>) => update(index, { transform: event.target.value })}
                    />
                    {row.target !== null && transformError(row.transform ?? '') ? (
                      <Typography variant="pi" textColor="danger600" role="alert">
                        {transformError(row.transform ?? '')}
                      </Typography>
                    ) : null}
                  </Box>
                </Td>
                {editableSources ? (
                  <Td>
                    <IconButton
                      variant="ghost"
                      disabled={disabled}
                      label={formatMessage({ id: getTranslation('mapping.remove'), defaultMessage: 'Remove this field' })}
                      onClick={() => onChange(rows.filter((_, position) => position !== index))}
                    >
                      <Trash />
                    </IconButton>
                  </Td>
                ) : null}
              </Tr>
            );
          })}
        </Tbody>
      </Table>
      {editableSources ? (
        <Box>
          <Button
            variant="secondary"
            startIcon={<Plus />}
            disabled={disabled}
            onClick={() => onChange([...rows, { source: '', target: null }])}
          >
            {formatMessage({ id: getTranslation('mapping.add'), defaultMessage: 'Add a field' })}
          </Button>
        </Box>
      ) : null}
    </Flex>
  );
};

import { Box, Button, Field, Flex, Typography } from '@strapi/design-system';
import { CloudUpload, File as FileIcon } from '@strapi/icons';
import { useRef, useState, type DragEvent, type KeyboardEvent } from 'react';
import { useIntl, type IntlShape } from 'react-intl';
import { styled } from 'styled-components';
import { ACCEPTED_EXTENSIONS } from '../utils/fileHead';
import { getTranslation } from '../utils/getTranslation';

const Zone = styled(Box)<{ $active: boolean; $error: boolean }>`
  border: 1px dashed
    ${({ theme, $active, $error }) =>
      $active ? theme.colors.primary600 : $error ? theme.colors.danger600 : theme.colors.neutral300};
  background: ${({ theme, $active }) => ($active ? theme.colors.primary100 : theme.colors.neutral100)};
  cursor: pointer;
  transition: background 0.15s, border-color 0.15s;

  &:hover,
  &:focus-visible {
    border-color: ${({ theme }) => theme.colors.primary600};
  }
`;

/** A human size: 1.2 MB. */
export const formatBytes = (bytes: number, formatNumber: IntlShape['formatNumber']) => {
  const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return formatNumber(value, { style: 'unit', unit: units[unit], unitDisplay: 'narrow', maximumFractionDigits: 1 });
};

export interface FileDropZoneProps {
  file: File | null;
  onChange: (file: File | null) => void;
  error?: string;
  hint?: string;
  disabled?: boolean;
  /** The extensions the file picker offers, and what the zone says it takes (default: the single-type formats). */
  accept?: { extensions: string[]; label: string };
}

/** The file to import: dropped on the zone, or chosen with the browser's file picker. */
export const FileDropZone = ({ file, onChange, error, hint, disabled, accept }: FileDropZoneProps) => {
  const { formatMessage, formatNumber } = useIntl();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    if (disabled) return;
    const dropped = event.dataTransfer.files?.[0];
    if (dropped) onChange(dropped);
  };

  const browse = () => input.current?.click();

  return (
    <Field.Root name="file" error={error} hint={hint} required>
      <Field.Label>{formatMessage({ id: getTranslation('import.file'), defaultMessage: 'File' })}</Field.Label>
      <input
        ref={input}
        type="file"
        hidden
        data-testid="import-file-input"
        accept={(accept?.extensions ?? ACCEPTED_EXTENSIONS).join(',')}
        onChange={(event) => {
          const chosen = event.target.files?.[0];
          if (chosen) onChange(chosen);
          event.target.value = '';
        }}
      />
      {file ? (
        <Flex gap={4} padding={4} hasRadius background="neutral100" borderColor="neutral200" justifyContent="space-between">
          <Flex gap={3}>
            <FileIcon width="2.4rem" height="2.4rem" fill="primary600" />
            <Flex direction="column" alignItems="flex-start" gap={1}>
              <Typography fontWeight="semiBold" textColor="neutral800">
                {file.name}
              </Typography>
              <Typography variant="pi" textColor="neutral600">
                {formatBytes(file.size, formatNumber)}
              </Typography>
            </Flex>
          </Flex>
          <Flex gap={2}>
            <Button variant="tertiary" disabled={disabled} onClick={browse}>
              {formatMessage({ id: getTranslation('import.file.replace'), defaultMessage: 'Replace' })}
            </Button>
            <Button variant="danger-light" disabled={disabled} onClick={() => onChange(null)}>
              {formatMessage({ id: getTranslation('import.file.remove'), defaultMessage: 'Remove' })}
            </Button>
          </Flex>
        </Flex>
      ) : (
        <Zone
          $active={dragging}
          $error={Boolean(error)}
          hasRadius
          padding={8}
          role="button"
          tabIndex={disabled ? -1 : 0}
          aria-label={formatMessage({
            id: getTranslation('import.file.drop'),
            defaultMessage: 'Drag and drop a file here, or click to browse',
          })}
          onClick={browse}
          onKeyDown={(event: KeyboardEvent) => {
            if (event.key === 'Enter' || event.key === ' ') {
              event.preventDefault();
              browse();
            }
          }}
          onDragOver={(event: DragEvent<HTMLDivElement>) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={(event: DragEvent<HTMLDivElement>) => {
            // Leaving for one of the zone's own children is not leaving the zone.
            if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setDragging(false);
          }}
          onDrop={onDrop}
        >
          <Flex direction="column" gap={3}>
            <CloudUpload width="4rem" height="4rem" fill="primary600" aria-hidden />
            <Typography variant="delta" textColor="neutral700">
              {formatMessage({
                id: getTranslation('import.file.drop'),
                defaultMessage: 'Drag and drop a file here, or click to browse',
              })}
            </Typography>
            <Typography variant="pi" textColor="neutral600">
              {accept?.label ??
                formatMessage(
                  { id: getTranslation('import.file.accepted'), defaultMessage: 'JSON, JSONL, JSONT or CSV ({extensions})' },
                  { extensions: ACCEPTED_EXTENSIONS.join(', ') }
                )}
            </Typography>
          </Flex>
        </Zone>
      )}
      <Field.Hint />
      <Field.Error />
    </Field.Root>
  );
};

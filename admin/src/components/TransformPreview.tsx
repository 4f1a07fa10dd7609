import { Badge, Box, Button, Flex, Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import { Eye } from '@strapi/icons';
import { useState } from 'react';
import { useIntl } from 'react-intl';
import type { ImportOptions, ImportPreviewItem } from '../../../shared/contracts';
import { useApi } from '../hooks/useApi';
import { getTranslation } from '../utils/getTranslation';

export interface TransformPreviewProps {
  file: File | null;
  /** The import options as the form stands (null: the form is not complete). */
  options: () => ImportOptions | null;
}

const json = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value, null, 2));

const Code = ({ value }: { value: unknown }) => (
  <Box tag="pre" margin={0} padding={2} background="neutral100" hasRadius style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', fontSize: '1.2rem' }}>
    {json(value)}
  </Box>
);

/**
 * The mapping's preview: the first items of the file side by side, as read, as they would be written (after the
 * mapping and the transforms) and what the import would say of them (POST /import-previews; nothing is written).
 */
export const TransformPreview = ({ file, options }: TransformPreviewProps) => {
  const { formatMessage } = useIntl();
  const api = useApi();
  const [items, setItems] = useState<ImportPreviewItem[] | null>(null);
  const [loading, setLoading] = useState(false);

  const run = async () => {
    const current = options();
    if (!file || !current) return;
    setLoading(true);
    try {
      const data = await api.previewImport(file, current);
      setItems(data ? data.items : null);
    } finally {
      setLoading(false);
    }
  };

  return (
    <Flex direction="column" alignItems="stretch" gap={3}>
      <Box>
        <Button type="button" variant="secondary" startIcon={<Eye />} loading={loading} disabled={!file} onClick={() => void run()}>
          {formatMessage({ id: getTranslation('transformPreview.run'), defaultMessage: 'Preview the first items' })}
        </Button>
      </Box>
      {items ? (
        <Table colCount={4} rowCount={items.length + 1} aria-label={formatMessage({ id: getTranslation('transformPreview.table'), defaultMessage: 'Preview of the first items' })}>
          <Thead>
            <Tr>
              <Th>
                <Typography variant="sigma">#</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{formatMessage({ id: getTranslation('transformPreview.source'), defaultMessage: 'In the file' })}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{formatMessage({ id: getTranslation('transformPreview.transformed'), defaultMessage: 'Transformed' })}</Typography>
              </Th>
              <Th>
                <Typography variant="sigma">{formatMessage({ id: getTranslation('transformPreview.validation'), defaultMessage: 'Validation' })}</Typography>
              </Th>
            </Tr>
          </Thead>
          <Tbody>
            {items.map((item) => (
              <Tr key={item.index}>
                <Td>
                  <Typography>{item.index + 1}</Typography>
                </Td>
                <Td style={{ verticalAlign: 'top' }}>
                  <Code value={item.source} />
                </Td>
                <Td style={{ verticalAlign: 'top' }}>{item.transformed ? <Code value={item.transformed} /> : <Typography textColor="neutral500">-</Typography>}</Td>
                <Td style={{ verticalAlign: 'top' }}>
                  {item.errors.length === 0 ? (
                    <Badge active>{formatMessage({ id: getTranslation('transformPreview.valid'), defaultMessage: 'Valid' })}</Badge>
                  ) : (
                    <Flex direction="column" alignItems="flex-start" gap={1}>
                      {item.errors.map((error, position) => (
                        <Typography key={position} textColor="danger600" variant="pi">
                          {error.message}
                        </Typography>
                      ))}
                    </Flex>
                  )}
                </Td>
              </Tr>
            ))}
          </Tbody>
        </Table>
      ) : null}
    </Flex>
  );
};

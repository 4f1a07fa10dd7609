import { Table, Tbody, Td, Th, Thead, Tr, Typography } from '@strapi/design-system';
import type { ReactNode } from 'react';
import { useIntl } from 'react-intl';
import type { BundleImportTypeCounts } from '../../../shared/contracts';
import { useContentTypes } from '../hooks/useContentTypes';
import { getTranslation } from '../utils/getTranslation';

/**
 * What each type of a bundle import did (or would do, in a dry run), in import order; `extra` adds cells per type
 * after its name (the import wizard's settings).
 */
export const TypeCountsTable = ({
  typeCounts,
  dryRun = false,
  extra,
  extraHeaders = [],
}: {
  typeCounts: BundleImportTypeCounts[];
  dryRun?: boolean;
  extra?: (contentType: string) => ReactNode;
  extraHeaders?: string[];
}) => {
  const { formatMessage, formatNumber } = useIntl();
  const { byUid } = useContentTypes();
  const headers = [
    formatMessage({ id: getTranslation('typeCounts.contentType'), defaultMessage: 'Content type' }),
    ...extraHeaders,
    formatMessage({ id: getTranslation('figures.processed'), defaultMessage: 'Processed' }),
    dryRun
      ? formatMessage({ id: getTranslation('figures.wouldCreate'), defaultMessage: 'Would create' })
      : formatMessage({ id: getTranslation('figures.created'), defaultMessage: 'Created' }),
    dryRun
      ? formatMessage({ id: getTranslation('figures.wouldUpdate'), defaultMessage: 'Would update' })
      : formatMessage({ id: getTranslation('figures.updated'), defaultMessage: 'Updated' }),
    dryRun
      ? formatMessage({ id: getTranslation('figures.wouldSkip'), defaultMessage: 'Would skip' })
      : formatMessage({ id: getTranslation('figures.skipped'), defaultMessage: 'Skipped (exist)' }),
    dryRun
      ? formatMessage({ id: getTranslation('figures.wouldFail'), defaultMessage: 'Would fail' })
      : formatMessage({ id: getTranslation('figures.failed'), defaultMessage: 'Failed' }),
  ];
  return (
    <Table colCount={headers.length} rowCount={typeCounts.length + 1}>
      <Thead>
        <Tr>
          {headers.map((header) => (
            <Th key={header}>
              <Typography variant="sigma" textColor="neutral600">
                {header}
              </Typography>
            </Th>
          ))}
        </Tr>
      </Thead>
      <Tbody>
        {typeCounts.map((type) => (
          <Tr key={type.contentType}>
            <Td>
              <Typography textColor="neutral800" title={type.contentType}>
                {byUid.get(type.contentType)?.displayName ?? type.contentType}
              </Typography>
            </Td>
            {extra ? extra(type.contentType) : null}
            {[type.processed, type.created, type.updated, type.skipped, type.failed].map((value, i) => (
              <Td key={i}>
                <Typography textColor={i === 4 && value > 0 ? 'danger600' : 'neutral800'}>{formatNumber(value)}</Typography>
              </Td>
            ))}
          </Tr>
        ))}
      </Tbody>
    </Table>
  );
};

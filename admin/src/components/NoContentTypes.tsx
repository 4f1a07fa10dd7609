import { EmptyStateLayout } from '@strapi/design-system';
import { EmptyPermissions } from '@strapi/icons/symbols';
import { useIntl } from 'react-intl';
import type { TaskKind } from '../../../shared/contracts';
import { getTranslation } from '../utils/getTranslation';

/**
 * What an export or import form shows instead of its fields when the user may use no content type for it: the
 * center applies the Content Manager's permissions, and the user has none that fits.
 */
export const NoContentTypes = ({ kind }: { kind: TaskKind }) => {
  const { formatMessage } = useIntl();
  return (
    <EmptyStateLayout
      icon={<EmptyPermissions width="16rem" />}
      content={
        kind === 'export'
          ? formatMessage({
              id: getTranslation('access.noExportTypes'),
              defaultMessage:
                'Nothing to export: you may not read any content type in the Content Manager. Ask an administrator for the Read permission on the content you need.',
            })
          : formatMessage({
              id: getTranslation('access.noImportTypes'),
              defaultMessage:
                'Nothing to import into: you may neither create nor update entries of any content type in the Content Manager. Ask an administrator for the Create or Update permission on the content you need.',
            })
      }
    />
  );
};

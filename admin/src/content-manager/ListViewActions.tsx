import { Button, Flex, Menu } from '@strapi/design-system';
import { Download, Upload } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { useLocation, useNavigate, useParams } from 'react-router-dom';
import { getTranslation } from '../utils/getTranslation';
import { useListViewAccess } from './useListViewAccess';
import { exportAllUrl, exportCurrentUrl, importUrl } from './urls';

/**
 * In the header of a collection type's list view in the Content Manager (injection zone `listView.actions`, which
 * passes no props: the type is the route's `:slug`, the list's state its query string): "Export" (all entries, or
 * those of the current filters and sort) and "Import", each opening the center's form with the type chosen.
 * The selected entries are exported by the bulk action beside the list's own (ExportSelectedAction).
 */
export const ListViewActions = () => {
  const { formatMessage } = useIntl();
  const navigate = useNavigate();
  const { search } = useLocation();
  const { collectionType, slug } = useParams<{ collectionType?: string; slug?: string }>();
  const contentType = collectionType === 'collection-types' ? slug : undefined;
  const { canExport, canImport } = useListViewAccess(contentType);

  if (!contentType || (!canExport && !canImport)) return null;

  return (
    <Flex gap={2}>
      {canExport ? (
        <Menu.Root>
          <Menu.Trigger variant="tertiary" size="S" startIcon={<Download />} endIcon={null}>
            {formatMessage({ id: getTranslation('actions.export'), defaultMessage: 'Export' })}
          </Menu.Trigger>
          <Menu.Content popoverPlacement="bottom-end">
            <Menu.Item onSelect={() => navigate(exportAllUrl(contentType, search))}>
              {formatMessage({ id: getTranslation('contentManager.export.all'), defaultMessage: 'All entries' })}
            </Menu.Item>
            <Menu.Item onSelect={() => navigate(exportCurrentUrl(contentType, search))}>
              {formatMessage({
                id: getTranslation('contentManager.export.current'),
                defaultMessage: 'Entries of the current filters and sort',
              })}
            </Menu.Item>
          </Menu.Content>
        </Menu.Root>
      ) : null}
      {canImport ? (
        <Button variant="tertiary" size="S" startIcon={<Upload />} onClick={() => navigate(importUrl(contentType))}>
          {formatMessage({ id: getTranslation('actions.import'), defaultMessage: 'Import' })}
        </Button>
      ) : null}
    </Flex>
  );
};

import type { BulkActionComponent } from '@strapi/content-manager/strapi-admin';
import { Download } from '@strapi/icons';
import { useIntl } from 'react-intl';
import { useLocation, useNavigate } from 'react-router-dom';
import { getTranslation } from '../utils/getTranslation';
import { useListViewAccess } from './useListViewAccess';
import { exportSelectedUrl } from './urls';

/**
 * A bulk action of the Content Manager's list view (shown when rows are selected): "Export selected" opens the
 * center's export form with the type chosen and the selected entries as filters (documentId $in), in the list's
 * locale and order. A description component: it returns what the button is, or null when the user may not export.
 */
export const ExportSelectedAction: BulkActionComponent = ({ model, documents }) => {
  const { formatMessage } = useIntl();
  const navigate = useNavigate();
  const { search } = useLocation();
  const { canExport } = useListViewAccess(model);
  if (!canExport || documents.length === 0) return null;
  const documentIds = documents.map((document) => document.documentId);
  return {
    label: formatMessage({ id: getTranslation('contentManager.export.selected'), defaultMessage: 'Export selected' }),
    icon: <Download />,
    variant: 'tertiary',
    onClick: () => navigate(exportSelectedUrl(model, documentIds, search)),
  };
};

import { useNotification } from '@strapi/strapi/admin';
import { useIntl } from 'react-intl';
import type { CreateTemplate, ListTemplates, TemplateKind, Template } from '../../../shared/contracts';
import { PLUGIN_ID } from '../../../shared/contracts';
import { getTranslation } from '../utils/getTranslation';
import { useApi } from './useApi';
import { useGet } from './useGet';

const NONE: Template[] = [];

/** The saved templates, of one kind or all (GET /templates). */
export const useTemplates = (kind?: TemplateKind) => {
  const { data, isLoading, isError, refetch } = useGet<ListTemplates.Response>(
    `/${PLUGIN_ID}/templates${kind ? `?kind=${kind}` : ''}`
  );
  return { templates: data?.data ?? NONE, isLoading, isError, refetch };
};

/**
 * Saves the settings of a form as a new template (the forms' "Save as template"): POST /templates, then a success
 * notification. Resolves with the template, or null when the API refused it (the API hook says why).
 */
export const useSaveTemplate = () => {
  const api = useApi();
  const { toggleNotification } = useNotification();
  const { formatMessage } = useIntl();
  return async (body: CreateTemplate.Request['body']): Promise<Template | null> => {
    const template = await api.createTemplate(body);
    if (!template) return null;
    toggleNotification({
      type: 'success',
      message: formatMessage(
        { id: getTranslation('templates.notification.created'), defaultMessage: 'Template "{name}" saved.' },
        { name: template.name }
      ),
    });
    return template;
  };
};

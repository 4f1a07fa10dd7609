import type { ListTemplates, TaskKind, Template } from '../../../shared/contracts';
import { PLUGIN_ID } from '../../../shared/contracts';
import { useGet } from './useGet';

const NONE: Template[] = [];

/** The saved templates, of one kind or all (GET /templates). */
export const useTemplates = (kind?: TaskKind) => {
  const { data, isLoading, isError, refetch } = useGet<ListTemplates.Response>(
    `/${PLUGIN_ID}/templates${kind ? `?kind=${kind}` : ''}`
  );
  return { templates: data?.data ?? NONE, isLoading, isError, refetch };
};

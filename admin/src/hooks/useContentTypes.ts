import { useMemo } from 'react';
import type { ContentTypeInfo, GetContentTypes } from '../../../shared/contracts';
import { PLUGIN_ID } from '../../../shared/contracts';
import { exportableTypes, importableTypes } from '../utils/access';
import { useGet } from './useGet';

const NONE: ContentTypeInfo[] = [];

/** The content types the center offers, with their attributes (GET /content-types). */
export const useContentTypes = () => {
  const { data, isLoading, isError } = useGet<GetContentTypes.Response>(`/${PLUGIN_ID}/content-types`);
  const contentTypes = data?.data ?? NONE;
  const byUid = useMemo(() => new Map(contentTypes.map((contentType) => [contentType.uid, contentType])), [contentTypes]);
  return { contentTypes, byUid, isLoading, isError };
};

const useOfferedTypes = (offer: (contentTypes: readonly ContentTypeInfo[]) => ContentTypeInfo[]) => {
  const { contentTypes: all, isLoading, isError } = useContentTypes();
  const contentTypes = useMemo(() => offer(all), [all, offer]);
  const byUid = useMemo(() => new Map(contentTypes.map((contentType) => [contentType.uid, contentType])), [contentTypes]);
  return { contentTypes, byUid, isLoading, isError, all };
};

/**
 * The content types the current user may export (Content Manager Read), each with only the attributes and match
 * keys the user may read.
 */
export const useExportableTypes = () => useOfferedTypes(exportableTypes);

/**
 * The content types the current user may import into (Content Manager Create or Update), each with only the
 * attributes the user may write, and the match keys the user may read.
 */
export const useImportableTypes = () => useOfferedTypes(importableTypes);

/** A locale of the i18n plugin, as GET /i18n/locales lists it. */
export interface I18nLocale {
  id: number;
  code: string;
  name: string;
  isDefault: boolean;
}

const NO_LOCALES: I18nLocale[] = [];

/** The project's locales; asked only when some content type is localized (`enabled`), since i18n may be absent. */
export const useLocales = (enabled: boolean) => {
  const { data, isLoading } = useGet<I18nLocale[]>(enabled ? '/i18n/locales' : null);
  return { locales: Array.isArray(data) ? data : NO_LOCALES, isLoading: enabled && isLoading };
};

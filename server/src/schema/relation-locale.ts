/**
 * The locale a relation to a localized type links in: Strapi 5's own rule (the Document Service's
 * `getRelationTargetLocale` and `setDefaultLocaleToRelations`, transform/relations in @strapi/core), followed by the
 * reference lookup and by the bulk writer so that both write paths link the same rows.
 * - target not localized: no locale (its only row, or its draft and published rows);
 * - source and target localized: the source entry's locale (an English article links English tags);
 * - source not localized, target localized: the app's default locale.
 */
export interface RelationLocaleInput {
  sourceLocalized: boolean;
  targetLocalized: boolean;
  /** The locale of the entry holding the relation (null for a type without i18n). */
  sourceLocale: string | null;
  /** The app's default locale (i18n's `getDefaultLocale`). */
  defaultLocale: string | null;
}

export const relationTargetLocale = ({
  sourceLocalized,
  targetLocalized,
  sourceLocale,
  defaultLocale,
}: RelationLocaleInput): string | null => {
  if (!targetLocalized) return null;
  if (sourceLocalized) return sourceLocale;
  return defaultLocale;
};

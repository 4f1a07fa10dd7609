/** The documents the bulk writer writes, and the versions (rows) it writes them as. */

/** A new document for the bulk path: data validated, relations as documentIds, media as file ids. */
export interface NewDocument {
  documentId: string;
  locale: string | null;
  /** Draft & publish types: also write the published version. */
  published: boolean;
  data: Record<string, unknown>;
}

/** An existing document's version to update (the draft, or the only row): data validated, as for NewDocument. */
export interface UpdatedDocument {
  /** The row's id. */
  id: number;
  documentId: string;
  locale: string | null;
  data: Record<string, unknown>;
  /** Draft & publish types: publish the updated draft (its published version becomes a copy of it). */
  publish: boolean;
}

/** A published version written as a copy of its draft: the existing published row, or a new one (`fresh`). */
export interface PublishedCopy {
  draft: Version;
  published: Version;
  fresh: boolean;
}

export interface Version {
  doc: Pick<NewDocument, 'documentId' | 'locale' | 'data'>;
  id: number;
  published: boolean;
}

/** Adds `value` to the list `map` holds for `key`. */
export const append = <K, V>(map: Map<K, V[]>, key: K, value: V) => {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
};

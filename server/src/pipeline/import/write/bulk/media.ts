import type { Knex } from 'knex';
import { IN_LIST, chunks } from '../../../sql/in-lists';
import { isEmptyValue, type MediaPlan } from './plan';
import { type Version } from './types';
import type { BulkContext } from './context';

/** Deletes the media links of updated versions' field (new ones are written after). */
export const removeMedia = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  name: string,
  plan: MediaPlan,
  versions: Version[]
) => {
  const { uid, knexOf } = ctx;
  for (const part of chunks(
    versions.map((v) => v.id),
    IN_LIST
  )) {
    await knexOf(trx)(plan.table)
      .whereIn(plan.idColumn, part)
      .where({ [plan.typeColumn]: uid, field: name })
      .delete();
  }
};

export const insertMedia = async (
  ctx: BulkContext,
  trx: Knex.Transaction,
  name: string,
  plan: MediaPlan,
  versions: Version[]
) => {
  const { uid, rows } = ctx;
  const links: Array<Record<string, unknown>> = [];
  for (const version of versions) {
    const value = version.doc.data[name];
    if (isEmptyValue(value)) continue;
    const files = [...new Set((Array.isArray(value) ? value : [value]).map(Number))];
    files.forEach((fileId, i) =>
      links.push({
        [plan.fileColumn]: fileId,
        [plan.idColumn]: version.id,
        [plan.typeColumn]: uid,
        field: name,
        order: i + 1,
      })
    );
  }
  await rows.insertLinks(trx, plan.table, links);
};

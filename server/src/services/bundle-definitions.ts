import type { Core } from '@strapi/strapi';
import { errors } from '@strapi/utils';
import type { DefinitionsResult } from '../../../shared/contracts';
import {
  describePlan,
  parseDefinitions,
  planDefinitions,
  updateSchemaData,
  type BundleDefinition,
  type DefinitionsPlan,
} from '../pipeline/bundle/definitions';
import { BundleError } from '../pipeline/bundle/manifest';
import { openBundle } from '../pipeline/bundle/read';
import { ZipError } from '../pipeline/zip';
import { getConfig } from '../utils';
import { fieldError, optionsField } from '../validation/import-options';
import { checkedUpload, type UploadedFile } from './tasks/imports';
import { definitionOf } from './tasks/bundle-files';

/**
 * A bundle's definitions (docs/bundles.md, *Definitions*): what they would change in this app, and their
 * application through Strapi's Content-Type Builder, in development mode only, as the builder itself allows.
 *
 * The builder is driven through its own `update-schema` controller action, the one its admin screen calls: it
 * validates the input (names, reserved words, relation kinds, the folders it writes), refuses a second update while
 * one runs, writes the files, and restarts the app (`strapi develop` reloads). Calling its `schema` service instead
 * would skip that validation, and the names come from an uploaded file.
 */

/** The part of a Koa context the builder's `updateSchema` action reads and writes. */
interface BuilderContext {
  request: { body: { data: unknown } };
  body: unknown;
  status: number;
  send(body: unknown, status?: number): void;
  conflict(message: string): void;
}

interface BuilderSchemaController {
  updateSchema(ctx: BuilderContext): Promise<void>;
}

const parseOptions = (raw: unknown): { dryRun: boolean } => {
  const options = raw === undefined ? {} : (optionsField(raw) as Record<string, unknown>);
  for (const key of Object.keys(options)) {
    if (key !== 'dryRun') throw fieldError(key, `${key} is not an option of definitions (only dryRun)`);
  }
  if (options.dryRun !== undefined && typeof options.dryRun !== 'boolean') throw fieldError('dryRun', 'dryRun must be a boolean');
  return { dryRun: options.dryRun === true };
};

const resultOf = (plan: DefinitionsPlan, applied: boolean): DefinitionsResult => ({ changes: plan.changes, applied });

export const createBundleDefinitionsService = ({ strapi }: { strapi: Core.Strapi }) => {
  const current = (uid: string) => definitionOf(strapi, uid) as BundleDefinition | undefined;

  /** The bundle's definitions, or a 400 naming the file and what is wrong with it. */
  const readDefinitions = async (filepath: string, fileName: string): Promise<BundleDefinition[]> => {
    const asFieldError = (error: unknown): never => {
      if (error instanceof BundleError || error instanceof ZipError) throw fieldError('file', `${fileName}: ${error.message}`);
      throw error;
    };
    const bundle = await openBundle(filepath, { maxEntries: getConfig(strapi).limits.maxZipEntries }).catch(asFieldError);
    try {
      const definitions = parseDefinitions(await bundle.definitions());
      if (definitions.length === 0) {
        throw fieldError('file', `${fileName} carries no definitions: export the bundle with "definitions": true`);
      }
      return definitions;
    } catch (error) {
      return asFieldError(error);
    } finally {
      bundle.close();
    }
  };

  /** Runs the builder's update-schema action; its 400 or 409 becomes ours, with its message. */
  const applyThroughBuilder = async (data: unknown) => {
    const controller = strapi.plugin('content-type-builder')?.controller('schema') as unknown as BuilderSchemaController | undefined;
    if (!controller?.updateSchema) {
      throw new errors.ApplicationError('The Content-Type Builder plugin is not enabled in this app: definitions cannot be applied');
    }
    const ctx: BuilderContext = {
      request: { body: { data } },
      body: undefined,
      status: 200,
      send(body, status = 200) {
        this.body = body;
        this.status = status;
      },
      conflict(message) {
        this.status = 409;
        this.body = { error: message };
      },
    };
    await controller.updateSchema(ctx);
    if (ctx.status >= 400) {
      const message = (ctx.body as { error?: unknown } | undefined)?.error;
      const text = `The Content-Type Builder refused the definitions: ${typeof message === 'string' ? message : 'no reason given'}`;
      if (ctx.status === 409) throw new errors.ApplicationError(text);
      throw fieldError('file', text);
    }
  };

  return {
    async apply({ file, rawOptions }: { file: UploadedFile | UploadedFile[] | undefined; rawOptions: unknown }): Promise<DefinitionsResult> {
      const { dryRun } = parseOptions(rawOptions);
      const { file: upload, fileName } = checkedUpload(strapi, file, 'bundle.zip');
      const definitions = await readDefinitions(upload.filepath, fileName);
      const plan = planDefinitions(definitions, current);
      if (plan.problems.length > 0) {
        throw new errors.ValidationError(`The definitions cannot be applied here: ${plan.problems.join('; ')}`, {
          errors: plan.problems.map((message) => ({ path: ['file'], message, name: 'ValidationError' })),
        });
      }
      const toChange = plan.changes.filter((change) => change.action === 'create' || change.action === 'update');
      if (dryRun || toChange.length === 0) return resultOf(plan, false);
      if (strapi.config.get('autoReload') !== true) {
        // The builder's own rule (its is-development-mode middleware): the code of an app in production is deployed,
        // not written by the app. The changes are listed so they can be made in development and deployed.
        throw new errors.PolicyError(
          `Definitions are applied only in development mode (strapi develop), as the Content-Type Builder allows; this app runs without autoReload. The bundle ${describePlan(plan)}. Apply it in a development copy of the app, deploy that code, then import the bundle here.`,
          { changes: plan.changes }
        );
      }
      await applyThroughBuilder(updateSchemaData(definitions, plan, current));
      return resultOf(plan, true);
    },
  };
};

export type BundleDefinitionsService = ReturnType<typeof createBundleDefinitionsService>;

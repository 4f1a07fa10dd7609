import fs from 'node:fs';
import path from 'node:path';
import {
  SHIPPED_TEMPLATE_ID,
  SHIPPED_TEMPLATE_PREFIX,
  type Template,
  type TemplateInput,
} from '../../../shared/contracts';
import { exportOptionsSchema } from '../validation/export-options';
import { importOptionsSchema } from '../validation/import-options';
import { checkBundleTemplateOptions } from '../validation/bundle-template-options';
import { createTemplateBody } from '../validation/templates';

/**
 * The templates shipped with the plugin: one JSON file per template in the `templates/` folder at the root of the
 * package (`{ name, kind, contentType, options, description }`), listed read-only with the id `shipped:<file name>`.
 * Sub-folders (`templates/batch-files/`, example batch files) are not templates.
 */

const PACKAGE_NAME = 'strapi-plugin-data-migration-center';

/** Shipped templates have no schedule (they are read-only: a copy of one may have one). */
export type ShippedTemplate = Omit<Template, 'broken' | 'nextRunAt' | 'lastRunAt' | 'lastRun' | 'lastPush'>;

/** The package's root, found from `from` upwards (the built server runs from `dist/server`, tests from `server/src`). */
export const findPackageRoot = (from: string): string | null => {
  for (let dir = from; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string };
      if (pkg.name === PACKAGE_NAME) return dir;
    } catch {
      // no package.json here, or not ours: go up
    }
    if (path.dirname(dir) === dir) return null;
  }
};

/** The plugin's package name and version (`unknown` when its package.json cannot be found). */
export const pluginPackage = (): { name: string; version: string } => {
  const root = typeof __dirname === 'undefined' ? null : findPackageRoot(__dirname);
  if (!root) return { name: PACKAGE_NAME, version: 'unknown' };
  const { name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  return { name, version };
};

/** The `templates/` folder of the package, or null when it cannot be found. */
export const shippedTemplatesDir = (): string | null => {
  const root = typeof __dirname === 'undefined' ? null : findPackageRoot(__dirname);
  return root ? path.join(root, 'templates') : null;
};

/**
 * Reads and checks every template file of `dir`, in file-name order. A file that is not a valid template is left
 * out and named in `problems`.
 */
export const readShippedTemplates = (dir: string | null): { templates: ShippedTemplate[]; problems: string[] } => {
  const templates: ShippedTemplate[] = [];
  const problems: string[] = [];
  if (!dir || !fs.existsSync(dir)) return { templates, problems };
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.json'))
    .map((entry) => entry.name)
    .sort();
  for (const file of files) {
    const id = `${SHIPPED_TEMPLATE_PREFIX}${file.slice(0, -'.json'.length)}`;
    try {
      if (!SHIPPED_TEMPLATE_ID.test(id)) throw new Error('the file name must be lower-case letters, digits and dashes');
      const input = createTemplateBody.validateSync(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')), {
        strict: true,
        abortEarly: true,
      }) as TemplateInput;
      const options =
        input.kind === 'bundle'
          ? (checkBundleTemplateOptions(input.options ?? {}) as unknown as Record<string, unknown>)
          : ((input.kind === 'import' ? importOptionsSchema : exportOptionsSchema).validateSync(input.options ?? {}, {
              strict: true,
              abortEarly: true,
            }) as Record<string, unknown>);
      if (options.templateId !== undefined) throw new Error('options.templateId: a template cannot name another one');
      if (input.schedule) throw new Error('schedule: a shipped template cannot have one (duplicate it, then schedule the copy)');
      if (templates.some((other) => other.kind === input.kind && other.name === input.name)) {
        throw new Error(`another shipped ${input.kind} template is named "${input.name}"`);
      }
      templates.push({
        id,
        name: input.name,
        kind: input.kind,
        contentType: input.contentType ?? '',
        options,
        description: input.description ?? null,
        readOnly: true,
        schedule: null,
        createdAt: null,
        updatedAt: null,
      });
    } catch (error) {
      problems.push(`${file}: ${(error as Error).message}`);
    }
  }
  return { templates, problems };
};

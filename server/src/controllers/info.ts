import type { Context } from 'koa';
import type { GetInfo } from '../../../shared/contracts';
import { BUNDLE_FORMAT_VERSION } from '../pipeline/bundle/manifest';
import { FORMAT_VERSION } from '../pipeline/formats/format-version';
import { pluginPackage } from '../services/shipped-templates';

export default () => ({
  /** What this instance's center reads and writes: another instance checks it before a push or a pull. */
  async find(ctx: Context) {
    ctx.body = {
      data: { plugin: 'data-migration-center', version: pluginPackage().version, bundleFormat: BUNDLE_FORMAT_VERSION, formatVersion: FORMAT_VERSION },
    } satisfies GetInfo.Response;
  },
});

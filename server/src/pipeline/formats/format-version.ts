/**
 * The format version of the files the plugin writes, and the upgrade steps that let it read older ones.
 *
 * JSON exports carry it as `{ "formatVersion": N, "items": [...] }`, JSONT exports as `configuration.formatVersion`.
 * On import:
 * - a file without a version was not written by the plugin (another system, a hand-written seed file): it is read
 *   as the current version, whose item shape is the one the README's *Items* section describes;
 * - a file from an older version goes through the steps of {@link UPGRADES}, N → N+1, up to {@link FORMAT_VERSION}:
 *   its configuration once (before it becomes import options), each item as it is read;
 * - a file from a newer version is refused, naming both versions.
 */

/** The version of the files this plugin writes. Bump it when the shape of a file changes, and add a step below. */
export const FORMAT_VERSION = 1;

export type FileConfiguration = Record<string, unknown>;
export type FileItem = Record<string, unknown>;

/** One upgrade: reads a version `from` file's parts, returns them as version `from + 1` writes them. */
export interface UpgradeStep {
  from: number;
  /** What changed, for the log. */
  description: string;
  configuration?: (configuration: FileConfiguration) => FileConfiguration;
  item?: (item: FileItem) => FileItem;
}

/**
 * Version N → N+1, one step per version. Empty: version 1 is the first format the plugin has written (the export
 * shape has not changed since). When a change bumps FORMAT_VERSION to N+1, add `{ from: N, ... }` here.
 */
export const UPGRADES: readonly UpgradeStep[] = [];

/** The upgrade of one file: its version, and what turns its parts into the current version's. */
export interface Upgrade {
  /** The file's version (the current one for files without a version). */
  from: number;
  to: number;
  steps: UpgradeStep[];
  configuration(configuration: FileConfiguration): FileConfiguration;
  item(item: FileItem): FileItem;
}

export class FormatVersionError extends Error {}

/** The version a file declares: a positive integer, or undefined when it declares none. */
export const parseFormatVersion = (value: unknown): number | undefined => {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new FormatVersionError(`Invalid formatVersion ${JSON.stringify(value)}: expected a positive integer`);
  }
  return value;
};

/**
 * The upgrade from `version` to `current`. Throws a {@link FormatVersionError} for a file newer than `current`, and
 * an Error when a step of the chain is missing (a programming error: the table must cover every version).
 */
export const planUpgrade = (
  version: number | undefined,
  { current = FORMAT_VERSION, steps = UPGRADES }: { current?: number; steps?: readonly UpgradeStep[] } = {}
): Upgrade => {
  const from = version ?? current;
  if (from > current) {
    throw new FormatVersionError(
      `The file was written in format version ${from}; this version of the plugin reads format versions up to ${current}: update the plugin to import it`
    );
  }
  const chain: UpgradeStep[] = [];
  for (let v = from; v < current; v += 1) {
    const step = steps.find((candidate) => candidate.from === v);
    if (!step) throw new Error(`No upgrade step from format version ${v} to ${v + 1}`);
    chain.push(step);
  }
  return {
    from,
    to: current,
    steps: chain,
    configuration: (configuration) =>
      chain.reduce((value, step) => (step.configuration ? step.configuration(value) : value), configuration),
    item: (item) => chain.reduce((value, step) => (step.item ? step.item(value) : value), item),
  };
};

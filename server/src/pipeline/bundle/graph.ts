import type { AttributeSchema, ModelSchema } from '../../schema/model-schema';

/**
 * The order a bundle's types are imported in: what an entry refers to lands before it (Power Apps' Configuration
 * Migration imports "in passes" for the same reason). Types are ordered topologically over their references to the
 * bundle's other types (relations, relations inside components and dynamic zones, at any depth). Types that refer
 * to each other in a cycle, and a type that refers to itself, cannot all land first: the references that point at a
 * type not yet imported are linked in a second pass, once every entry of the bundle exists.
 *
 * Media are not part of the order: a bundle's files are stored (or found by hash) before any entry.
 * Morph relations (`morphToMany`...) have no target uid in the schema and are not followed.
 */

/** A reference from one type to another: the attribute path (through components: `seo.author`) and the target. */
export interface TypeReference {
  source: string;
  path: string;
  target: string;
}

export interface ImportOrder {
  /** Every type of the bundle, in the order it is imported. */
  order: string[];
  /** References linked in the second pass: their target comes at or after their source in `order`. */
  deferred: TypeReference[];
  /** Groups of types that refer to each other (cycles of two or more types), each sorted by uid. */
  cycles: string[][];
}

/** How deep components may nest (Strapi allows a handful of levels; a loop would not end). */
const MAX_COMPONENT_DEPTH = 20;

/**
 * The references a type's attributes make to other content types (media excluded), through components and dynamic
 * zones at any depth, in schema order.
 */
export const referencesOf = (uid: string, schemaOf: (uid: string) => ModelSchema | undefined): TypeReference[] => {
  const references: TypeReference[] = [];
  /** Components on the current path: a component that contains itself (directly or not) is followed once. */
  const path: string[] = [];
  const visitComponent = (componentUid: string, prefix: string) => {
    const component = schemaOf(componentUid);
    if (!component || path.includes(componentUid) || path.length >= MAX_COMPONENT_DEPTH) return;
    path.push(componentUid);
    visit(component.attributes, prefix);
    path.pop();
  };
  const visit = (attributes: Record<string, AttributeSchema>, prefix: string) => {
    for (const [name, attribute] of Object.entries(attributes)) {
      const at = `${prefix}${name}`;
      if (attribute.type === 'relation' && attribute.target) {
        references.push({ source: uid, path: at, target: attribute.target });
      } else if (attribute.type === 'component' && attribute.component) {
        visitComponent(attribute.component, `${at}.`);
      } else if (attribute.type === 'dynamiczone') {
        for (const componentUid of attribute.components ?? []) visitComponent(componentUid, `${at}.${componentUid}.`);
      }
    }
  };
  const schema = schemaOf(uid);
  if (schema) visit(schema.attributes, '');
  return references;
};

/**
 * Strongly connected components of the reference graph (Tarjan's algorithm, iterative so that a long chain of
 * types cannot overflow the stack). Tarjan's algorithm emits a component once every component it reaches has been
 * emitted: with edges from a type to the types it refers to, what is referred to comes first.
 */
const stronglyConnected = (nodes: string[], edges: Map<string, string[]>): string[][] => {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const components: string[][] = [];
  let counter = 0;

  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ node: string; next: number }> = [{ node: root, next: 0 }];
    index.set(root, counter);
    low.set(root, counter);
    counter += 1;
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const targets = edges.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next];
        frame.next += 1;
        if (!index.has(target)) {
          index.set(target, counter);
          low.set(target, counter);
          counter += 1;
          stack.push(target);
          onStack.add(target);
          work.push({ node: target, next: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component.sort());
      }
    }
  }
  return components;
};

/**
 * The import order of `uids` (deterministic: the same types give the same order, whatever order they are given
 * in). References to types outside the bundle are not edges: those entries must already exist in the target.
 */
export const importOrder = (uids: string[], schemaOf: (uid: string) => ModelSchema | undefined): ImportOrder => {
  const members = [...new Set(uids)].sort();
  const inBundle = new Set(members);
  const references = new Map(members.map((uid) => [uid, referencesOf(uid, schemaOf).filter((r) => inBundle.has(r.target))]));
  // Edges from a type to the types it refers to; Tarjan's order then puts referred types first.
  const edges = new Map(members.map((uid) => [uid, [...new Set(references.get(uid)!.map((r) => r.target))].sort()]));
  const components = stronglyConnected(members, edges);

  const order = components.flat();
  const position = new Map(order.map((uid, i) => [uid, i]));
  const deferred = order.flatMap((uid) =>
    references.get(uid)!.filter((reference) => position.get(reference.target)! >= position.get(uid)!)
  );
  const cycles = components.filter((component) => component.length > 1);
  return { order, deferred, cycles };
};

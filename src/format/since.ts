/**
 * The one record of when each part of the evidence format came: every object field, union option
 * or enum value added after format v1 is marked where it is defined (`since(2, …)`,
 * `sinceValues(…, { value: 2 })`), and the schema of any older version is derived from the
 * current one by leaving out what came later (issue 23). The older versions' JSON Schemas, readers
 * and refusals all come from here, so adding to the format is: mark the addition with the next
 * version, add that version to FORMAT_VERSION_NUMBERS (the compiler refuses a mark with a version
 * it does not list), `npm run schemas`.
 *
 * An addition to an object must be optional or have a default: a file of an older version, which
 * cannot hold it, is brought to the current model by the current schema, which fills it in.
 * Marks are kept on schema instances, so marking a shared instance marks every place it is used;
 * and nothing is looked for inside `z.lazy` (free-form JSON), which holds no versioned part.
 */
import { z } from 'astro/zod';
import type { FormatVersion } from './common.ts';
import { FIELD_DOCS } from './field-docs.ts';

const ADDED_IN = new WeakMap<z.ZodTypeAny, FormatVersion>();
const VALUES_ADDED_IN = new WeakMap<z.ZodTypeAny, Readonly<Record<string, FormatVersion>>>();

/**
 * Format v3, which the format bump on another branch brings; issue 25's additions (a check's
 * `allowFunctions`, a snapshot's `source.allowedFunctions`) are marked with it. The cast stands
 * until FORMAT_VERSION_NUMBERS lists 3: then each `since(NEXT_FORMAT_VERSION, …)` becomes
 * `since(3, …)` and this goes. Until then the current version (2) neither publishes nor reads them.
 */
export const NEXT_FORMAT_VERSION = 3 as unknown as FormatVersion;

/** Marks a schema (an object field, a union option) as added in `version`; returns the same schema. */
export function since<T extends z.ZodTypeAny>(version: FormatVersion, schema: T): T {
  ADDED_IN.set(schema, version);
  return schema;
}

/** Marks values of an enum as added in the versions given; returns the same schema. */
export function sinceValues<T extends [string, ...string[]]>(schema: z.ZodEnum<T>, added: Partial<Record<T[number], FormatVersion>>): z.ZodEnum<T> {
  VALUES_ADDED_IN.set(schema, added as Record<string, FormatVersion>);
  return schema;
}

/**
 * What a derived schema is for. `publish`: the older version's shape, for its JSON Schema, with the
 * later additions absent. `read`: for reading files of that version, each later addition refused
 * where it stands with a message naming the version that brought it.
 */
export type Purpose = 'publish' | 'read';

const LEAVES = new Set<string>([
  z.ZodFirstPartyTypeKind.ZodString,
  z.ZodFirstPartyTypeKind.ZodNumber,
  z.ZodFirstPartyTypeKind.ZodBigInt,
  z.ZodFirstPartyTypeKind.ZodBoolean,
  z.ZodFirstPartyTypeKind.ZodDate,
  z.ZodFirstPartyTypeKind.ZodNull,
  z.ZodFirstPartyTypeKind.ZodUndefined,
  z.ZodFirstPartyTypeKind.ZodAny,
  z.ZodFirstPartyTypeKind.ZodUnknown,
  z.ZodFirstPartyTypeKind.ZodNever,
  z.ZodFirstPartyTypeKind.ZodLiteral,
  z.ZodFirstPartyTypeKind.ZodNativeEnum,
  // Free-form JSON is recursive through z.lazy and holds no versioned part (see above).
  z.ZodFirstPartyTypeKind.ZodLazy,
]);

const notInVersion = (version: FormatVersion, since: FormatVersion) => `not part of format v${version} (it came with schemaVersion ${since})`;

/** Accepts only the absence of a value: a field a later version added, in a file of an older one. */
function refusedField(version: FormatVersion, since: FormatVersion): z.ZodTypeAny {
  return z.unknown().superRefine((value, ctx) => {
    if (value !== undefined) ctx.addIssue({ code: z.ZodIssueCode.custom, message: notInVersion(version, since) });
  });
}

/** A schema like `schema`, built from its definition with some parts replaced. */
function rebuilt<T extends z.ZodTypeAny>(schema: T, def: Record<string, unknown>): T {
  const Schema = schema.constructor as new (def: unknown) => T;
  const copy = new Schema({ ...schema._def, ...def });
  const docs = FIELD_DOCS.get(schema._def);
  if (docs) FIELD_DOCS.set(copy._def, docs);
  return copy;
}

/**
 * The schema of format `version`, derived from the current `schema` by its marks. Parts that hold
 * no later addition are the same instances, so the JSON Schema's `$ref`s to shared parts stay
 * where they were.
 */
export function schemaAt<T extends z.ZodTypeAny>(schema: T, version: FormatVersion, purpose: Purpose): T {
  const seen = new Map<z.ZodTypeAny, z.ZodTypeAny>();
  const later = (part: z.ZodTypeAny) => {
    const added = ADDED_IN.get(part);
    return added !== undefined && added > version ? added : null;
  };

  function derive(node: z.ZodTypeAny): z.ZodTypeAny {
    const known = seen.get(node);
    if (known) return known;
    const result = deriveNew(node);
    seen.set(node, result);
    return result;
  }

  function deriveNew(node: z.ZodTypeAny): z.ZodTypeAny {
    const def = node._def as Record<string, unknown> & { typeName: string };
    switch (def.typeName) {
      case z.ZodFirstPartyTypeKind.ZodObject: {
        const shape = (node as z.AnyZodObject).shape as Record<string, z.ZodTypeAny>;
        let changed = false;
        const derived: Record<string, z.ZodTypeAny> = {};
        for (const [key, field] of Object.entries(shape)) {
          const added = later(field);
          if (added !== null) {
            if (!field.isOptional()) throw new Error(`the field "${key}" added in format v${added} must be optional or have a default, so files of older versions still read`);
            changed = true;
            if (purpose === 'read') derived[key] = refusedField(version, added);
            continue;
          }
          derived[key] = derive(field);
          changed ||= derived[key] !== field;
        }
        return changed ? rebuilt(node, { shape: () => derived }) : node;
      }
      case z.ZodFirstPartyTypeKind.ZodDiscriminatedUnion: {
        const { discriminator, options, optionsMap } = def as unknown as { discriminator: string; options: z.AnyZodObject[]; optionsMap: Map<unknown, z.AnyZodObject> };
        const kept = options.filter((option) => later(option) === null).map(derive);
        const map = new Map<unknown, z.ZodTypeAny>();
        for (const [value, option] of optionsMap) {
          const added = later(option);
          if (added === null) map.set(value, derive(option));
          else if (purpose === 'read') {
            map.set(value, z.unknown().superRefine((_, ctx) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [discriminator], message: `${JSON.stringify(value)} is ${notInVersion(version, added)}` })));
          }
        }
        const changed = kept.length !== options.length || kept.some((option, i) => option !== options[i]);
        return changed ? rebuilt(node, { options: kept, optionsMap: map }) : node;
      }
      case z.ZodFirstPartyTypeKind.ZodUnion: {
        const options = def.options as z.ZodTypeAny[];
        const kept = options.filter((option) => later(option) === null).map(derive);
        const changed = kept.length !== options.length || kept.some((option, i) => option !== options[i]);
        return changed ? rebuilt(node, { options: kept }) : node;
      }
      case z.ZodFirstPartyTypeKind.ZodEnum: {
        const added = VALUES_ADDED_IN.get(node) ?? {};
        const values = def.values as string[];
        const laterValues = values.filter((value) => (added[value] ?? 1) > version);
        if (laterValues.length === 0) return node;
        if (purpose === 'publish') return rebuilt(node, { values: values.filter((value) => !laterValues.includes(value)) });
        return node.superRefine((value, ctx) => {
          if (laterValues.includes(value as string)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${JSON.stringify(value)} is ${notInVersion(version, added[value as string]!)}` });
        });
      }
      case z.ZodFirstPartyTypeKind.ZodArray:
        return withChild(node, 'type');
      case z.ZodFirstPartyTypeKind.ZodOptional:
      case z.ZodFirstPartyTypeKind.ZodNullable:
      case z.ZodFirstPartyTypeKind.ZodDefault:
      case z.ZodFirstPartyTypeKind.ZodCatch:
      case z.ZodFirstPartyTypeKind.ZodReadonly:
        return withChild(node, 'innerType');
      case z.ZodFirstPartyTypeKind.ZodEffects:
        return withChild(node, 'schema');
      case z.ZodFirstPartyTypeKind.ZodRecord: {
        const valueType = derive(def.valueType as z.ZodTypeAny);
        return valueType === def.valueType ? node : rebuilt(node, { valueType });
      }
      default:
        if (LEAVES.has(def.typeName)) return node;
        // A kind of schema this derivation does not know could hide an addition: say so at once.
        throw new Error(`format versions: cannot derive an older version through ${def.typeName}; teach src/format/since.ts about it`);
    }
  }

  function withChild(node: z.ZodTypeAny, key: string): z.ZodTypeAny {
    const child = (node._def as Record<string, z.ZodTypeAny>)[key]!;
    const derived = derive(child);
    return derived === child ? node : rebuilt(node, { [key]: derived });
  }

  return derive(schema) as T;
}

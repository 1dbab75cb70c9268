/** SQL identifiers as PostgreSQL's quote_ident writes them: the one definition, for checks and starter checklists. */

/** `"name"`, with every `"` doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."name"` */
export function qualifiedName(relation: { schema: string; name: string }): string {
  return `${quoteIdent(relation.schema)}.${quoteIdent(relation.name)}`;
}

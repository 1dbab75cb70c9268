/**
 * Sign-offs (format v2): `evidence/<deployment>/signoffs.json` beside the evidence they sign,
 * never in its manifest — signing does not change the digest it signs, nor break the chain —
 * and the trusted public keys in `evidence/_signers.json`. Each sign-off is a DSSE envelope
 * (https://github.com/secure-systems-lab/dsse) around an in-toto Statement whose subject is the
 * deployment's manifest and its sha256; who, which role, when and the note are inside the
 * signed payload, so nothing a reader is shown about a sign-off is unsigned.
 */
import { z } from 'astro/zod';
import { SCHEMA_VERSION, deploymentIdSchema, schemaFilesOf, type FormatVersion } from './common.ts';
import { since } from './since.ts';
import { PAYLOAD_TYPE, SIGNOFF_PREDICATE_TYPE, STATEMENT_TYPE } from './signoff-constants.ts';

const base64Schema = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');
const hex64Schema = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');

const dsseEnvelopeSchema = z
  .object({
    payloadType: z.literal(PAYLOAD_TYPE),
    /** The in-toto Statement, base64 of its JSON bytes. */
    payload: base64Schema,
    signatures: z.array(z.object({ keyid: hex64Schema, sig: base64Schema }).strict()).min(1),
  })
  .strict();
export type DsseEnvelope = z.infer<typeof dsseEnvelopeSchema>;

/** `<deployment>/signoffs.json` of a format version (they came with v2; EVIDENCE_FILE_KINDS). */
export const signoffsSchemaOf = <V extends FormatVersion>(version: V) => z
  .object({
    $schema: z.literal(schemaFilesOf(version).signoffs.fromFile),
    schemaVersion: z.literal(version),
    deploymentId: deploymentIdSchema,
    /** In the order they were made; a role signed again keeps both (the newest valid one counts). */
    signoffs: z.array(z.object({ envelope: dsseEnvelopeSchema }).strict()),
  })
  .strict();
export const signoffsSchema = signoffsSchemaOf(SCHEMA_VERSION);
export type Signoffs = z.infer<typeof signoffsSchema>;

/** `_signers.json` of a format version. */
export const signersSchemaOf = <V extends FormatVersion>(version: V) => z
  .object({
    $schema: z.literal(schemaFilesOf(version).signers.fromFile),
    schemaVersion: z.literal(version),
    signers: z.array(
      z
        .object({
          name: z.string().min(1),
          /** Ed25519 public key: base64 of its 32 raw bytes. Its keyid is the sha256 (hex) of those bytes. */
          publicKey: base64Schema,
          /** Set for the sample keys committed with the examples: never trusted for a real deployment. */
          sample: z.boolean().default(false),
        })
        .strict(),
    ),
  })
  .strict();
export const signersSchema = signersSchemaOf(SCHEMA_VERSION);
export type Signers = z.infer<typeof signersSchema>;

/** What a sign-off's payload states (the in-toto Statement v1 `predicate`). */
const signoffPredicateSchema = z
  .object({
    deploymentId: deploymentIdSchema,
    environment: z.string(),
    role: z.string(),
    name: z.string().min(1),
    signedAt: z.string(),
    note: z.string().nullable(),
    /**
     * Signed with `sign --force` in a role that approves, over a deployment whose decision was
     * BLOCKED or INCOMPLETE: the decision it overrode, signed with the rest so every reader sees it.
     */
    forced: since(3, z.object({ decision: z.enum(['BLOCKED', 'INCOMPLETE']) }).strict().optional()),
  })
  .strict();
export type SignoffPredicate = z.infer<typeof signoffPredicateSchema>;

export const signoffStatementSchema = z
  .object({
    _type: z.literal(STATEMENT_TYPE),
    subject: z.array(z.object({ name: z.string(), digest: z.object({ sha256: hex64Schema }).strict() }).strict()).length(1),
    predicateType: z.literal(SIGNOFF_PREDICATE_TYPE),
    predicate: signoffPredicateSchema,
  })
  .strict();
export type SignoffStatement = z.infer<typeof signoffStatementSchema>;

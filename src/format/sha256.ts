/** The one digest the evidence uses: sha256, lowercase hex. Manifests, chain links and sign-offs all name files by it. */
import { createHash } from 'node:crypto';

export const sha256Hex = (bytes: Uint8Array | string) => createHash('sha256').update(bytes).digest('hex');

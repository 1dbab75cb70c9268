/**
 * What `deploy-evidence build` found in the evidence's git history, handed to the site build as a
 * file (the site never starts a process, so it cannot run git itself; issue 24): each problem
 * keyed by the deployment it is about, or by the root file's path, and the notes to show.
 */
import { z } from 'astro/zod';

export const gitFindingsSchema = z
  .object({
    ran: z.boolean(),
    problems: z.array(z.object({ key: z.string(), message: z.string() }).strict()),
    notes: z.array(z.string()),
  })
  .strict();
export type GitFindings = z.infer<typeof gitFindingsSchema>;

/**
 * One comment per pull request, updated in place: find ours (marker and author, see
 * core/export/pr-comment.ts), update it, create one only when there is none. The forge clients
 * (github.ts, gitlab.ts) each give a `CommentThread`.
 *
 * Two CI jobs for the same pull request at once can both find none and both create one: after
 * creating, the thread is read again and, of our comments, the oldest is kept (with this run's
 * body) and the others — only ever ours — deleted, so the two runs end with one comment.
 */
import { ourComments, type ForgeComment } from '../../core/export/pr-comment.ts';

export interface CommentThread {
  /** The thread in words, for messages: `pull request owner/name#5`. */
  readonly name: string;
  /** The token's own user: whose comments are ours. */
  author(): Promise<string>;
  list(): Promise<ForgeComment[]>;
  create(body: string): Promise<ForgeComment>;
  update(id: number, body: string): Promise<ForgeComment>;
  remove(id: number): Promise<void>;
  /** Where a comment is seen (null when the forge's address is not known). */
  urlOf(id: number): string | null;
}

export interface StickyResult {
  action: 'created' | 'updated';
  id: number;
  url: string | null;
  /** Our other comments on the thread, deleted (a run at the same time, or an older version's). */
  removed: number[];
  /** Said when the comment created is not by the author whose comments were looked for: the next run would not find it. */
  warning?: string;
}

export async function upsertComment(thread: CommentThread, body: string, author: string): Promise<StickyResult> {
  const ours = ourComments(await thread.list(), author);
  if (ours.length > 0) {
    const [keep, ...extra] = ours as [ForgeComment, ...ForgeComment[]];
    await thread.update(keep.id, body);
    for (const c of extra) await thread.remove(c.id);
    return { action: 'updated', id: keep.id, url: thread.urlOf(keep.id), removed: extra.map((c) => c.id) };
  }
  const created = await thread.create(body);
  if (created.author.toLowerCase() !== author.toLowerCase()) {
    return {
      action: 'created',
      id: created.id,
      url: thread.urlOf(created.id),
      removed: [],
      warning: `the comment was written as ${created.author}, but comments by ${author} were looked for: the next run will not find this one; pass --comment-author ${created.author}`,
    };
  }
  // Another run may have created one meanwhile: keep the oldest of ours, with this run's body.
  const now = ourComments(await thread.list(), author);
  const oldest = now[0];
  if (!oldest || oldest.id === created.id) {
    const extra = now.filter((c) => c.id !== created.id);
    for (const c of extra) await thread.remove(c.id);
    return { action: 'created', id: created.id, url: thread.urlOf(created.id), removed: extra.map((c) => c.id) };
  }
  await thread.update(oldest.id, body);
  const extra = now.filter((c) => c.id !== oldest.id);
  for (const c of extra) await thread.remove(c.id);
  return { action: 'updated', id: oldest.id, url: thread.urlOf(oldest.id), removed: extra.map((c) => c.id) };
}

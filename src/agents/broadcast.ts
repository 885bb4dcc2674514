import type { Vote } from './schema.js'

/** The shape the broadcast bus walks: just ids, children and what kind of voter a node has. */
export interface VoteNode {
  id: string
  children: VoteNode[]
  /** The node has its own relevance script. */
  scripted: boolean
  /** When the node acts, its work belongs to its children: it re-broadcasts the intent to them. */
  delegate: boolean
  /** Generation: the node must be created, so it acts without asking its script. */
  forced?: boolean
  /** With a script, the node may do the work itself when none of its children takes it. */
  selfWork?: boolean
}

/** Asks one node's script for its relevance in [0, 1]. */
export type Voter = (node: VoteNode) => Promise<number>

/** Called as each node's vote settles, so the caller can emit events. */
export type VoteListener = (node: VoteNode, vote: Vote) => void

/**
 * Sends the intent down the tree. A scripted node scores itself; a node without a script scores
 * as the best of its children. A scripted node below the threshold passes with its whole subtree
 * (its children never hear the intent): that is the gatekeeping. A scripted node that acts and
 * delegates re-broadcasts to its children; one that does not delegate does the work itself.
 * Siblings vote concurrently.
 */
export async function broadcast(
  root: VoteNode,
  voter: Voter,
  threshold: number,
  onVote?: VoteListener,
): Promise<Map<string, Vote>> {
  const votes = new Map<string, Vote>()
  const settle = (node: VoteNode, vote: Vote): Vote => {
    votes.set(node.id, vote)
    onVote?.(node, vote)
    return vote
  }
  const passSubtree = (node: VoteNode): void => {
    for (const child of node.children) {
      settle(child, { score: 0, threshold, acted: false, source: 'none' })
      passSubtree(child)
    }
  }
  const visit = async (node: VoteNode): Promise<Vote> => {
    if (node.forced) {
      const own = settle(node, { score: 1, threshold, acted: true, source: 'forced' })
      if (node.delegate) await Promise.all(node.children.map(visit))
      else passSubtree(node)
      return own
    }
    if (node.scripted) {
      const score = clamp(await voter(node))
      const acted = score >= threshold
      const own = settle(node, { score, threshold, acted, source: 'script' })
      if (!acted || !node.delegate || node.children.length === 0) {
        passSubtree(node)
        return own
      }
      const kids = await Promise.all(node.children.map(visit))
      // A delegating node acts through its children; if none takes the work it does it itself
      // when it can (a class or a table), and passes otherwise (files never rewrite themselves).
      if (!kids.some((k) => k.acted) && !node.selfWork) return settle(node, { ...own, acted: false })
      return own
    }
    if (node.children.length === 0) return settle(node, { score: 0, threshold, acted: false, source: 'none' })
    const kids = await Promise.all(node.children.map(visit))
    const score = Math.max(0, ...kids.map((k) => k.score))
    return settle(node, { score, threshold, acted: kids.some((k) => k.acted), source: 'children' })
  }
  await visit(root)
  return votes
}

/** Scores outside [0, 1] or NaN from a script are clamped rather than trusted. */
export function clamp(score: number): number {
  if (!Number.isFinite(score)) return 0
  return Math.min(1, Math.max(0, score))
}

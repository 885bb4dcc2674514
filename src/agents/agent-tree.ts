import type { LimitPreset } from '../grail/limits.js'
import { findInsertion } from '../syntax/insert.js'
import type { Insertion, MNode, NodeKind } from '../syntax/types.js'
import type { LoadedTemplate } from '../templates/load.js'
import { mergeVars, type ResolvedBlock, resolveBlocks } from '../templates/render.js'
import type { TemplateVars } from '../templates/schema.js'
import { matchBlocks, templateForNode } from '../templates/select.js'
import type { AstAgent } from './schema.js'

/** An agent at run time: its record plus what the run needs and never saves (node, template, script file). */
export interface Agent {
  rec: AstAgent
  /** The existing node, or null for an agent that creates a missing block. */
  node: MNode | null
  parent: Agent | null
  children: Agent[]
  /** The template governing this node's own children (null: none applies). */
  template: LoadedTemplate | null
  /** The parent template's block this agent fills. */
  block: ResolvedBlock | null
  /** Resolved `.pym` file that votes and edits for this agent. */
  scriptFile: string | null
  limits: LimitPreset
  /** The script may consult the model while voting. */
  voteWithModel: boolean
  /** When it acts, its work belongs to its children. */
  delegate: boolean
  /** With a script, it can do the edit itself when no child takes the work. */
  selfWork: boolean
  /** Missing required block: where and what to create. */
  insertion: { at: Insertion; skeleton: string; order: number } | null
  /** Generation: acts without a vote. */
  forced: boolean
  /** The commit the range is measured in (the run's base, or a generated skeleton). */
  base: string
  /** Generation: the skeleton commit this (file) agent made; its children work on it and it merges onto it. */
  skeleton: string | null
  /** Variables the skeleton and script see. */
  vars: TemplateVars
}

/** What building the agent tree needs. */
export interface TreeInputs {
  templates: readonly LoadedTemplate[]
  /** File bytes in `base`. */
  readFile: (path: string) => Promise<Buffer>
  base: string
  /** Caller variables (generate --set) applied to every template. */
  vars?: TemplateVars
  /** Mark missing-block agents as forced (generation). */
  forceInsertions?: boolean
}

const CONTAINERS: ReadonlySet<NodeKind> = new Set(['repo', 'directory', 'file'])

/**
 * Turns a node tree into the agent tree: each node gets the template that applies to it; a node's
 * template blocks claim its children (giving them their script and whether they delegate), and each
 * required block no child fills becomes an agent with a zero-width insertion range. TOML pairs and
 * other fine-grained children only become agents when their block delegates to them.
 */
export async function buildAgentTree(root: MNode, inputs: TreeInputs): Promise<Agent> {
  return build(root, null, null, inputs)
}

async function build(
  node: MNode,
  parent: Agent | null,
  block: ResolvedBlock | null,
  inputs: TreeInputs,
): Promise<Agent> {
  const template = templateForNode(inputs.templates, { kind: node.kind, path: node.path })
  const owner = block ? (parent?.template ?? null) : template
  const scriptName = block ? (block.block.script ?? null) : (template?.script ?? null)
  const vars: TemplateVars = block
    ? { ...block.vars, ...(template ? mergeVars(template, inputs.vars) : {}) }
    : template
      ? mergeVars(template, inputs.vars)
      : { ...(inputs.vars ?? {}) }
  const agent: Agent = {
    rec: record(node.id, node, parent, template, block, scriptName, inputs.base, {
      path: node.path,
      start: node.startByte,
      end: node.endByte,
    }),
    node,
    parent,
    children: [],
    template,
    block,
    scriptFile: scriptName ? (owner?.scripts[scriptName]?.file ?? null) : null,
    limits: block?.block.limits ?? template?.limits ?? 'default',
    voteWithModel: block?.block.vote_with_model ?? template?.vote_with_model ?? false,
    delegate: CONTAINERS.has(node.kind) ? true : (block?.block.delegate ?? template !== null),
    selfWork: scriptName !== null && !CONTAINERS.has(node.kind),
    insertion: null,
    forced: false,
    base: inputs.base,
    skeleton: null,
    vars,
  }
  // A block that does not delegate keeps its node's children as its own bytes.
  const descend = CONTAINERS.has(node.kind) || agent.delegate
  if (descend) await addChildren(agent, node, template, inputs)
  agent.rec.children = agent.children.map((c) => c.rec.id)
  return agent
}

async function addChildren(
  agent: Agent,
  node: MNode,
  template: LoadedTemplate | null,
  inputs: TreeInputs,
): Promise<void> {
  if (!template || template.blocks.length === 0) {
    for (const c of node.children) agent.children.push(await build(c, agent, null, inputs))
    return
  }
  const blocks = resolveBlocks(template, mergeVars(template, inputs.vars), template.name)
  const match = matchBlocks(blocks, node.children)
  for (const { node: child, block } of match.assigned) {
    agent.children.push(await build(child, agent, block, inputs))
  }
  if (match.missing.length === 0 || node.lang === null) return
  const bytes = await inputs.readFile(node.path)
  match.missing.forEach((b, order) => {
    agent.children.push(insertionAgent(agent, node, b, bytes, order, inputs))
  })
}

function insertionAgent(
  parent: Agent,
  parentNode: MNode,
  block: ResolvedBlock,
  bytes: Buffer,
  order: number,
  inputs: TreeInputs,
): Agent {
  const at = findInsertion(parentNode.lang!, bytes, parentNode, block.block.insert)
  const itemName = block.block.repeat !== undefined ? block.name.slice(block.name.indexOf(':') + 1) : null
  const prefix = parentNode.kind === 'file' ? `${parentNode.path}::` : `${parentNode.id}.`
  const id = itemName ? `${prefix}${itemName}` : `${prefix}+${block.name}`
  const kinds = block.block.select.kind.filter((k): k is NodeKind => k !== 'region')
  const kind: NodeKind = kinds[0] ?? 'toml_table'
  const scriptName = block.block.script ?? null
  const pseudo: MNode = {
    id,
    kind,
    decorated: false,
    name: itemName ?? block.name,
    path: parentNode.path,
    lang: parentNode.lang,
    startByte: at.offset,
    endByte: at.offset,
    startLine: 0,
    endLine: 0,
    hash: '',
    parentId: parentNode.id,
    children: [],
  }
  const agent: Agent = {
    rec: record(id, pseudo, parent, null, block, scriptName, inputs.base, {
      path: parentNode.path,
      start: at.offset,
      end: at.offset,
    }),
    node: null,
    parent,
    children: [],
    template: null,
    block,
    scriptFile: scriptName ? (parent.template?.scripts[scriptName]?.file ?? null) : null,
    limits: block.block.limits ?? parent.template?.limits ?? 'default',
    voteWithModel: block.block.vote_with_model ?? parent.template?.vote_with_model ?? false,
    delegate: false,
    selfWork: true,
    insertion: { at, skeleton: block.skeleton, order },
    forced: inputs.forceInsertions === true,
    base: inputs.base,
    skeleton: null,
    vars: block.vars,
  }
  agent.rec.insertion = true
  return agent
}

function record(
  id: string,
  node: MNode,
  parent: Agent | null,
  template: LoadedTemplate | null,
  block: ResolvedBlock | null,
  script: string | null,
  base: string,
  range: { path: string; start: number; end: number },
): AstAgent {
  return {
    id,
    node: { id: node.id, kind: node.kind, name: node.name, path: node.path, lang: node.lang },
    range,
    base,
    insertion: false,
    parentId: parent?.rec.id ?? null,
    children: [],
    sandbox: null,
    template: template?.name ?? null,
    block: block?.name ?? null,
    script,
    status: 'pending',
    attempts: [],
    votes: null,
    validations: [],
    tokens: { prompt: 0, completion: 0 },
    timings: {},
    head: null,
    error: null,
  }
}

/** Every agent of a tree, parents before children. */
export function flatten(root: Agent): Agent[] {
  const out: Agent[] = []
  const walk = (a: Agent): void => {
    out.push(a)
    for (const c of a.children) walk(c)
  }
  walk(root)
  return out
}

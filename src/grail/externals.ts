/** One parameter of a host external, with its Python annotation. */
export interface HostExternalParam {
  name: string
  type: string
}

/** A host function a .pym script may declare with `@external`; the caller supplies the implementation. */
export interface HostExternal {
  name: string
  params: readonly HostExternalParam[]
  /** Python return annotation. */
  returns: string
  async: boolean
  doc: string
}

/** The documented, typed set of host externals (COMMON.md); the checker and docs/grail.md share it. */
export const HOST_EXTERNALS: readonly HostExternal[] = [
  {
    name: 'node_text',
    params: [],
    returns: 'str',
    async: false,
    doc: "The agent node's current source text.",
  },
  {
    name: 'node_info',
    params: [],
    returns: 'dict',
    async: false,
    doc: 'The node as a dict: id, kind, name, path, lang, byte and line range.',
  },
  {
    name: 'parent_outline',
    params: [],
    returns: 'str',
    async: false,
    doc: "An outline of the parent node (its children's kinds and names), not their bodies.",
  },
  {
    name: 'sibling_names',
    params: [],
    returns: 'list[str]',
    async: false,
    doc: 'Names of the sibling nodes under the same parent.',
  },
  {
    name: 'ask_model',
    params: [
      { name: 'prompt', type: 'str' },
      { name: 'reply_kind', type: 'str' },
    ],
    returns: 'dict',
    async: true,
    doc: 'Calls the configured model; the reply is checked against the schema named by reply_kind.',
  },
  {
    name: 'toml_get',
    params: [{ name: 'key_path', type: 'str' }],
    returns: 'Any',
    async: false,
    doc: "Reads a TOML value by dotted key path (e.g. 'project.dependencies'); None when absent.",
  },
  {
    name: 'toml_set',
    params: [
      { name: 'key_path', type: 'str' },
      { name: 'value', type: 'Any' },
    ],
    returns: 'bool',
    async: false,
    doc: 'Sets a TOML value structurally, keeping formatting and comments; True when something changed.',
  },
  {
    name: 'toml_append',
    params: [
      { name: 'key_path', type: 'str' },
      { name: 'item', type: 'Any' },
    ],
    returns: 'bool',
    async: false,
    doc: 'Appends to a TOML array structurally; True when the item was added (False if already present).',
  },
  {
    name: 'propose',
    params: [{ name: 'text', type: 'str' }],
    returns: 'None',
    async: false,
    doc: "Proposes the node's complete new text; the agent validates it before committing.",
  },
  {
    name: 'log',
    params: [{ name: 'message', type: 'str' }],
    returns: 'None',
    async: false,
    doc: "Appends a line to the agent's run log.",
  },
]

/** Looks up a host external by name. */
export function hostExternal(name: string): HostExternal | undefined {
  return HOST_EXTERNALS.find((e) => e.name === name)
}

/** The `@external` declaration a script should use for a host external. */
export function externalStub(ext: HostExternal): string {
  const params = ext.params.map((p) => `${p.name}: ${p.type}`).join(', ')
  return `@external\n${ext.async ? 'async ' : ''}def ${ext.name}(${params}) -> ${ext.returns}:\n    ...\n`
}

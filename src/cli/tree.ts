/** Draws any parent/child structure as an indented box-drawing tree (pure; used by plan, log, live). */

/** How to walk a tree: children of a node and the text shown for it. */
export interface TreeAccess<T> {
  children: (node: T) => T[]
  label: (node: T) => string
}

/** Renders `root` and its descendants, one line per node, with `├─`/`└─` connectors. */
export function drawTree<T>(root: T, access: TreeAccess<T>): string[] {
  const lines = [access.label(root)]
  const walk = (node: T, prefix: string): void => {
    const kids = access.children(node)
    kids.forEach((kid, i) => {
      const last = i === kids.length - 1
      lines.push(`${prefix}${last ? '└─ ' : '├─ '}${access.label(kid)}`)
      walk(kid, `${prefix}${last ? '   ' : '│  '}`)
    })
  }
  walk(root, '')
  return lines
}

/** Indexes records that name their parent, so trees can be drawn from flat lists (run records, events). */
export function indexByParent<T extends { id: string; parentId: string | null }>(
  items: T[],
): { byId: Map<string, T>; kids: (id: string) => T[] } {
  const byId = new Map(items.map((i) => [i.id, i]))
  const children = new Map<string, T[]>()
  for (const item of items) {
    if (item.parentId === null) continue
    const list = children.get(item.parentId) ?? []
    list.push(item)
    children.set(item.parentId, list)
  }
  return { byId, kids: (id) => children.get(id) ?? [] }
}

// Type aliases for the tree-sitter binding: its typings use `export =`, which this project's
// compiler settings cannot default-import, so the types are reached through import() types.

/** The tree-sitter Parser class. */
export type TSParserClass = typeof import('tree-sitter')
/** A tree-sitter parser instance. */
export type TSParser = InstanceType<TSParserClass>
/** A node of a tree-sitter tree. */
export type TSNode = import('tree-sitter').SyntaxNode
/** A tree-sitter parse tree. */
export type TSTree = import('tree-sitter').Tree
/** A loaded grammar. */
export type TSLanguage = import('tree-sitter').Language
/** A compiled tree-sitter query. */
export type TSQuery = import('tree-sitter').Query

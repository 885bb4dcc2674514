; Which TOML nodes become agents.
; Captures: @table ([a.b]), @array_table ([[a]]), @pair (key = value directly in a table, an
; array-of-tables element or at top level; pairs inside inline tables are not agents), @name.
; Override in <repo>/.momentum/queries/toml.scm; start that file with `; extends` to add
; patterns to these instead of replacing them.

(table
  [(bare_key) (dotted_key) (quoted_key)] @name) @table

(table_array_element
  [(bare_key) (dotted_key) (quoted_key)] @name) @array_table

(document
  (pair . [(bare_key) (dotted_key) (quoted_key)] @name) @pair)

(table
  (pair . [(bare_key) (dotted_key) (quoted_key)] @name) @pair)

(table_array_element
  (pair . [(bare_key) (dotted_key) (quoted_key)] @name) @pair)

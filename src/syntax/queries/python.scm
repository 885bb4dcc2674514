; Which Python nodes become agents.
; Captures: @class, @function (a function whose nearest enclosing agent is a class becomes a
; method), @method (always a method), @name (the node whose text names the agent).
; Decorators are handled by the profile: a captured definition inside a decorated_definition
; takes the decorators into its range and is marked decorated.
; Override in <repo>/.momentum/queries/python.scm; start that file with `; extends` to add
; patterns to these instead of replacing them.

(class_definition
  name: (identifier) @name) @class

(function_definition
  name: (identifier) @name) @function

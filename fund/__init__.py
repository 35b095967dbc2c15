"""The Chae Son fund's domain: members, savings, loans, welfare and the books.

Nothing here imports Flask, WTForms, Werkzeug or Jinja (an import-linter contract checks it).
"""

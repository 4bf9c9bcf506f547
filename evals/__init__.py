"""Quality from your own evals: import other tools' result files, or run a task file against endpoints.

Installs alone like `profiling/` (httpx, pyyaml, pydantic, google-re2, jsonschema): no engine, no UI.
"""

"""The marketplace's read-only JSON API (issue 23). Placeholder: built in its own worktree."""

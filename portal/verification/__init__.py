"""Seller verification: each requirement's state and the account's status (issue 23).

Placeholder: built in its own worktree.
"""

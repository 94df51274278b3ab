"""Conditional access (有条件开放): applications, use agreements, grants, enforcement and the audit log."""

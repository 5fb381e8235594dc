"""Readers for the statutory returns: files in their real formats to typed tables.

Each reader refuses a file that cannot be read as what it claims to be (``InputError`` naming
file, row, field and rule) and never returns part of one.
"""

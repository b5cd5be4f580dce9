"""A plugin package for the entry-point tests of tests/test_rulelang.py."""

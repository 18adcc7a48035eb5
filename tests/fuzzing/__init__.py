"""Fuzzing and hostile-input helpers shared by tests/test_fuzz_*.py, tests/test_limits_*.py and scripts/fuzz.py."""

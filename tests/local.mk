# tests: shared test files and the golden case runner over cases/.
TESTS += tests/run-cases.sh
EXTRA_DIST += tests/run-cases.sh cases
EXTRA_DIST += tests/flint3-layout.sh
# An independent exact oracle in plain Python, compared with pathdiff on random programs.
TESTS += tests/crosscheck/crosscheck.sh
EXTRA_DIST += tests/crosscheck/crosscheck.sh tests/crosscheck/oracle.py

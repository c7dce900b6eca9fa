# tests: shared test files

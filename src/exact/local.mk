# src/exact: exact evaluation, pieces and guards (MATH.md 2).
pkginclude_HEADERS += include/pathdiff/exact.h

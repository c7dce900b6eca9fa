# src/local: the local germ question at a point (MATH.md 4, 5).
pkginclude_HEADERS += include/pathdiff/local.h

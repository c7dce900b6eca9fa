# src/exact: exact evaluation, pieces and guards (MATH.md 2).
libpathdiff_la_SOURCES += src/exact/exact-impl.h src/exact/pattern.c \
  src/exact/nodeval.c src/exact/eval.c src/exact/grad.c src/exact/piece.c
pkginclude_HEADERS += include/pathdiff/exact.h

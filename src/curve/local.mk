# src/curve: path differentiability along polynomial curves (MATH.md 6).
libpathdiff_la_SOURCES += src/curve/realalg.h src/curve/realalg.c \
  src/curve/curve-impl.h src/curve/curve.c src/curve/parse.c \
  src/curve/compose.c src/curve/backprop.c \
  src/curve/identities.h src/curve/identities.c \
  src/curve/integral.h src/curve/integral.c src/curve/check.c \
  src/curve/samples.c src/curve/oracle.c
pkginclude_HEADERS += include/pathdiff/curve.h

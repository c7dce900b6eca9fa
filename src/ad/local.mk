# src/ad: framework conventions and numeric AD.
pkginclude_HEADERS += include/pathdiff/ad.h
libpathdiff_la_SOURCES += src/ad/ad-impl.h src/ad/conv.c src/ad/arith.c \
  src/ad/tape.c src/ad/grad_fp.c src/ad/grad_fp_impl.h \
  src/ad/grad_mpfr.c src/ad/grad_fmpq.c src/ad/run.c
# pow, powf, frexp, ...
libpathdiff_la_LIBADD += -lm

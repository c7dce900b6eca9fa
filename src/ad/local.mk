# src/ad: framework conventions and numeric AD.
pkginclude_HEADERS += include/pathdiff/ad.h
libpathdiff_la_SOURCES += src/ad/conv.c

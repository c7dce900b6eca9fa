# src/util: the error record and small shared helpers.
libpathdiff_la_SOURCES += src/util/error.c

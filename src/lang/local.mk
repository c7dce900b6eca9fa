# src/lang: (module added by its owner)
libpathdiff_la_SOURCES += src/lang/parse.c

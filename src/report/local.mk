# src/report: text for people, JSON for tools (computes nothing).
libpathdiff_la_SOURCES += src/report/json.h src/report/json.c

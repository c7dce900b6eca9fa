# src/cli: the pathdiff command (argument parsing and wiring only).
pathdiff_SOURCES += src/cli/cli.h src/cli/main.c src/cli/common.c

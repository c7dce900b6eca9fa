# src/cli: the pathdiff command (argument parsing and wiring only).
pathdiff_SOURCES += src/cli/cli.h src/cli/main.c src/cli/common.c \
  src/cli/cmd_eval.c src/cli/cmd_ad.c src/cli/cmd_clarke.c \
  src/cli/cmd_field.c src/cli/cmd_verify.c src/cli/cmd_curve.c \
  src/cli/cmd_demo.c

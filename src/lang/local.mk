# src/lang: the .pd language: lexer, parser and lowering, numbers, points.
libpathdiff_la_SOURCES += src/lang/lang-impl.h src/lang/lexer.c \
  src/lang/number.c src/lang/lower.h src/lang/lower.c src/lang/parse.c \
  src/lang/point.c
check_PROGRAMS += tests/check_lang
TESTS += tests/check_lang
tests_check_lang_SOURCES = tests/check_lang.c tests/testlib.h tests/testlib.c
tests_check_lang_CFLAGS = $(TEST_CFLAGS)
tests_check_lang_LDADD = $(TEST_LIBS)
EXTRA_DIST += fuzz/fuzz_parse.c fuzz/build-fuzz.sh fuzz/pd.dict fuzz/corpus

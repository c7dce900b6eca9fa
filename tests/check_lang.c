/* check_lang.c: the language: parsing, errors, numbers, points, round trip. */
#include "testlib.h"

START_TEST(placeholder)
{
    ck_assert_int_eq(1, 1);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("lang");
    TCase *tc = tcase_create("parse");
    pd_test_init();
    tcase_add_test(tc, placeholder);
    suite_add_tcase(s, tc);
    return pd_test_run(s);
}

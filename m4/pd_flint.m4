# PD_CHECK_FLINT: find FLINT with Arb and Calcium, in either layout.
#   layout 2: FLINT 2.x headers in flint/, Arb (libflint-arb or libarb) and
#             Calcium (calcium/qqbar.h, libcalcium) separate;
#   layout 3: FLINT >= 3, everything in libflint, headers under flint/.
# Sets FLINT_CFLAGS, FLINT_LIBS and defines PD_FLINT_LAYOUT.
AC_DEFUN([PD_CHECK_FLINT], [
  AC_REQUIRE([PKG_PROG_PKG_CONFIG])
  pd_save_CPPFLAGS=$CPPFLAGS
  pd_save_LIBS=$LIBS
  PKG_CHECK_MODULES([FLINT], [flint >= 3.0], [pd_flint_pc=yes], [pd_flint_pc=no])
  CPPFLAGS="$CPPFLAGS $FLINT_CFLAGS"
  AC_CHECK_HEADER([flint/flint.h], [],
    [AC_MSG_ERROR([FLINT headers not found: install libflint-dev (Debian/Ubuntu)])])
  AC_CHECK_HEADERS([flint/qqbar.h], [pd_flint_layout=3], [pd_flint_layout=2])
  LIBS=
  AS_IF([test "x$pd_flint_layout" = x3], [
    AS_IF([test "x$pd_flint_pc" = xyes], [LIBS="$FLINT_LIBS"])
    AC_SEARCH_LIBS([qqbar_roots_fmpz_poly], [flint], [],
      [AC_MSG_ERROR([FLINT 3 headers found but libflint does not link: install libflint-dev])],
      [$pd_save_LIBS])
  ], [
    AC_CHECK_HEADER([arb.h], [],
      [AC_MSG_ERROR([Arb headers not found: install libflint-arb-dev])])
    AC_CHECK_HEADER([calcium/qqbar.h], [],
      [AC_MSG_ERROR([Calcium headers not found: install libcalcium-dev])])
    AC_SEARCH_LIBS([fmpq_mpoly_compose_fmpq_poly], [flint], [],
      [AC_MSG_ERROR([libflint not found: install libflint-dev])], [$pd_save_LIBS])
    AC_SEARCH_LIBS([arb_fmpz_poly_complex_roots], [flint-arb arb], [],
      [AC_MSG_ERROR([Arb library (-lflint-arb or -larb) not found: install libflint-arb-dev])],
      [$pd_save_LIBS])
    AC_SEARCH_LIBS([qqbar_roots_fmpz_poly], [calcium], [],
      [AC_MSG_ERROR([libcalcium not found: install libcalcium-dev])], [$pd_save_LIBS])
  ])
  FLINT_LIBS=$LIBS
  AC_MSG_CHECKING([for FLINT >= 2.8])
  AC_COMPILE_IFELSE([AC_LANG_PROGRAM([[#include <flint/flint.h>
#if __FLINT_RELEASE < 20800
# error too old
#endif]], [])], [AC_MSG_RESULT([yes])],
    [AC_MSG_RESULT([no]); AC_MSG_ERROR([FLINT >= 2.8 required: install a newer libflint-dev])])
  AC_DEFINE_UNQUOTED([PD_FLINT_LAYOUT], [$pd_flint_layout],
                     [2 = FLINT 2.x with separate Arb and Calcium, 3 = FLINT >= 3])
  CPPFLAGS=$pd_save_CPPFLAGS
  LIBS=$pd_save_LIBS
  AC_SUBST([FLINT_CFLAGS])
  AC_SUBST([FLINT_LIBS])
])

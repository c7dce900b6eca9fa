/* pd-impl.h: private helpers shared by the library: config, the FLINT
   layout shim, assertions.  Include this first in every library file, and
   never <arb.h> or <qqbar.h> directly. */
#ifndef PD_IMPL_H
#define PD_IMPL_H

#ifdef HAVE_CONFIG_H
#  include "config.h"
#endif

#include <gmp.h>
#include <mpfr.h>
#include <flint/flint.h>

#if defined(PD_FLINT_LAYOUT)
#  define PD_FLINT3 (PD_FLINT_LAYOUT == 3)
#elif defined(__FLINT_RELEASE) && __FLINT_RELEASE >= 30000
#  define PD_FLINT3 1
#else
#  define PD_FLINT3 0
#endif

#include <flint/fmpz.h>
#include <flint/fmpq.h>
#include <flint/fmpz_poly.h>
#include <flint/fmpq_poly.h>
#include <flint/fmpq_mat.h>
#include <flint/fmpz_mat.h>
#include <flint/fmpq_mpoly.h>
#if PD_FLINT3
#  include <flint/arb.h>
#  include <flint/acb.h>
#  include <flint/arb_poly.h>
#  include <flint/arb_fmpz_poly.h>
#  include <flint/qqbar.h>
#else
#  include <arb.h>
#  include <acb.h>
#  include <arb_poly.h>
#  include <arb_fmpz_poly.h>
#  include <calcium/qqbar.h>
#endif

#include "pathdiff.h"

/* Internal invariant check: on failure, raise PD_EINTERNAL and jump to the
   function's cleanup label with status set.  Requires locals `status`,
   `err` and a `cleanup:` label. */
#define PD_CHECK_INTERNAL(cond)                                             \
    do {                                                                    \
        if (!(cond)) {                                                      \
            status = pd_error_set(err, PD_EINTERNAL,                        \
                                  "internal error: %s (%s:%d)", #cond,      \
                                  __FILE__, __LINE__);                      \
            goto cleanup;                                                   \
        }                                                                   \
    } while (0)

/* Propagate a failing status to the cleanup label. */
#define PD_TRY(expr)                                                        \
    do {                                                                    \
        status = (expr);                                                    \
        if (status != PD_OK)                                                \
            goto cleanup;                                                   \
    } while (0)

/* Duplicate a string with flint_malloc (NULL stays NULL). */
char *_pd_strdup(const char *s);

#endif

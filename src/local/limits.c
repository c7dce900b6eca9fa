/* limits.c: the resource limits shared by every long computation. */
#include "local-impl.h"
#include <time.h>

double _pd_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + 1e-9 * (double) ts.tv_nsec;
}

void pd_limits_init(pd_limits_t lim)
{
    lim->max_pieces = 100000;
    lim->timeout = 0;
    lim->z3_rlimit = 2000000;
    lim->curve_budget = 20000;
    lim->curve_order = 6;
    lim->deadline = 0;
}

void pd_limits_start(pd_limits_t lim)
{
    lim->deadline = lim->timeout > 0 ? _pd_now() + lim->timeout : 0;
}

int pd_limits_expired(const pd_limits_t lim)
{
    return lim != NULL && lim->deadline > 0 && _pd_now() > lim->deadline;
}

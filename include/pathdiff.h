/* pathdiff.h: the public interface of libpathdiff (umbrella header). */
#ifndef PATHDIFF_H
#define PATHDIFF_H

#include "pathdiff/common.h"   /* statuses, error record, three-valued truth */
#include "pathdiff/prog.h"     /* the program DAG                            */
#include "pathdiff/lang.h"     /* reading programs, numbers, points          */
#include "pathdiff/exact.h"    /* exact values, pieces and guards            */
#include "pathdiff/sets.h"     /* exact cones, hulls, membership             */
#include "pathdiff/local.h"    /* essential and ray activity                 */
#include "pathdiff/subdiff.h"  /* Clarke set, backprop field, verdicts       */
#include "pathdiff/ad.h"       /* numeric AD under framework conventions     */
#include "pathdiff/curve.h"    /* chain-rule checks along polynomial curves  */

#endif

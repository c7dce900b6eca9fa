/* pathdiff.h: the public interface of libpathdiff (umbrella header). */
#ifndef PATHDIFF_H
#define PATHDIFF_H

#include "pathdiff/common.h"
#include "pathdiff/prog.h"
#include "pathdiff/lang.h"

#endif

/* parse.c: placeholder until the parser lands (returns PD_EPARSE). */
#include "pd-impl.h"

pd_status_t pd_parse_string(pd_prog_t P, const char *text, const char *file,
                            pd_error_t err)
{
    return pd_error_set(err, PD_EPARSE, "parser not built yet");
}

pd_status_t pd_parse_file(pd_prog_t P, const char *path, pd_error_t err)
{
    return pd_error_set(err, PD_EPARSE, "parser not built yet");
}

/* cmd_field.c: `pathdiff field FILE --at P`: the backprop conservative
   field and the Clarke set beside it (the body is in cmd_clarke.c). */
#include "cli.h"

int pd_cli_clarke_main(int argc, char **argv, int field);

int pd_cmd_field(int argc, char **argv)
{
    return pd_cli_clarke_main(argc, argv, 1);
}

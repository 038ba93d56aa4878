/* The host consumer (../common/app_host.c) compiled as C++: the headers are C++-safe. */
#include "../common/app_host.c"

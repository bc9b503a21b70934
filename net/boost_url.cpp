// Boost.URL 1.81 is a compiled library: its sources are built here, once, so
// the Windows daemon (cross-built with mingw) needs no libboost_url of its own.
#include <boost/url/src.hpp>

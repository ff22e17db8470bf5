// The one translation unit that compiles Asio, Asio SSL and Beast. Every other file sees
// BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION (set on the library target)
// and only declares; compiling these headers once saves minutes on every build.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>

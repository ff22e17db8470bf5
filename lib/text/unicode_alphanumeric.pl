#!/usr/bin/perl
# Writes unicode_alphanumeric.cpp: the ranges of code points above ASCII that Rust's
# char::is_alphanumeric accepts (the Alphabetic property, or general category Nd, Nl or No), from
# this Perl's Unicode tables (Debian 12: Unicode 14.0). Qdrant's JSON-path keys use that
# predicate (docs/namespace-model.md, "Field paths").
#   perl lib/text/unicode_alphanumeric.pl > lib/text/unicode_alphanumeric.cpp
use strict;
use warnings;
use Unicode::UCD ();

my @ranges;
my $start;
for my $c (0x80 .. 0x110000) {
  my $in = $c < 0x110000 && !($c >= 0xD800 && $c <= 0xDFFF)
      && chr($c) =~ /[\p{Alphabetic}\p{Nd}\p{Nl}\p{No}]/;
  if ($in && !defined $start) {
    $start = $c;
  } elsif (!$in && defined $start) {
    push @ranges, [$start, $c - 1];
    undef $start;
  }
}

my $version = Unicode::UCD::UnicodeVersion();
my $count = @ranges;
print <<"HEAD";
// Generated from Perl's Unicode $version tables; do not edit. Regenerate with
//   perl lib/text/unicode_alphanumeric.pl > lib/text/unicode_alphanumeric.cpp
#include <array>

#include "text/unicode_tables.hpp"

namespace index_optimizer::unicode_tables {
namespace {

// clang-format off
constexpr std::array<code_point_range, $count> k_alphanumeric{{
HEAD
my @cells = map { sprintf("{0x%04X, 0x%04X}", @$_) } @ranges;
while (my @line = splice(@cells, 0, 4)) {
  print "    ", join(", ", @line), ",\n";
}
print <<'TAIL';
}};
// clang-format on

}  // namespace

std::span<const code_point_range> alphanumeric_ranges() noexcept {
  return k_alphanumeric;
}

}  // namespace index_optimizer::unicode_tables
TAIL

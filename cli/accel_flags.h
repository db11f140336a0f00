// The accelerator's command-line flags (flexcim gen --accel, flexcim verify
// --accel, docs/ACCEL.md), declared once.
#pragma once

#include <boost/program_options.hpp>

#include "core/accel_config.h"

namespace flexcim::cli {

// --macros, --wbuf-rows, --abuf-words, --obuf-rows, --descriptors, --max-tokens.
inline boost::program_options::options_description AccelOptions(AccelParams& p) {
  namespace po = boost::program_options;
  po::options_description d("Accelerator (with --accel, docs/ACCEL.md)");
  d.add_options()
      ("macros", po::value(&p.macros)->default_value(p.macros), "Q, macro instances (1..16)")
      ("wbuf-rows", po::value(&p.wbuf_rows)->default_value(p.wbuf_rows),
       "weight-buffer words, one macro row each (>= P*R)")
      ("abuf-words", po::value(&p.abuf_words)->default_value(p.abuf_words),
       "activation-buffer words, one macro input vector each")
      ("obuf-rows", po::value(&p.obuf_rows)->default_value(p.obuf_rows),
       "output-buffer rows, one macro output (P*C 32-bit accumulators) each")
      ("descriptors", po::value(&p.descriptors)->default_value(p.descriptors), "tile descriptors of one layer")
      ("max-tokens", po::value(&p.max_tokens)->default_value(p.max_tokens), "tokens of one run");
  return d;
}

}  // namespace flexcim::cli

// Stage 1: bytes of a file -> Unicode text (UTF-8).
//
// Contract:
//  - UTF-8 with or without BOM, UTF-16 LE/BE with BOM, GB18030/GBK (detected
//    with ICU's charset detector when the bytes are not valid UTF-8) are read;
//    `encoding_override` (any ICU converter name) skips detection.
//  - CRLF and lone CR line ends become LF; a BOM is dropped. Line numbers of the
//    result are the line numbers of the file.
//  - Bytes that are not text (NULs outside UTF-16, images, archives...) make
//    decode() throw InputError naming the file.
//  - Invalid bytes inside otherwise decodable text become U+FFFD, each run
//    reported as a Warning with its byte offset in the file.
//  - Mojibake lines -- Chinese whose UTF-8 or GB18030 bytes were once read as
//    windows-1252/ISO-8859-1 and saved again ("å®‰åº·" for 安康) -- are
//    repaired when those bytes decode (nearly) cleanly to mostly Han text,
//    also after an encoding override. Each run of repaired lines is one
//    Warning "mojibake-repaired" at its first line, column 1. Latin text and
//    lines that also hold CJK characters are never touched; line numbers and
//    `encoding` (the file's) are unchanged, and repaired characters map to the
//    offsets of the mis-read characters they were rebuilt from.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "plancmp/diagnostic.h"

namespace plancmp {

// Inputs larger than this are refused (InputError naming the file) before any
// work: plancmp needs roughly 80 bytes of memory per input byte.
inline constexpr std::size_t kDefaultMaxInputBytes = 16u << 20;  // 16 MiB

struct DecodeOptions {
  std::string encoding_override;  // empty: detect
  std::size_t max_input_bytes = kDefaultMaxInputBytes;  // 0: no limit but 2 GiB
  // Fill DecodedText::input_offset. Extraction does not read it: without it,
  // clean UTF-8 (the usual input) is taken as it is, with no map of 8 bytes
  // per byte to build. Other inputs get the map either way.
  bool input_offsets = true;
};

struct DecodedText {
  std::string utf8;      // the text, LF line ends, no BOM
  std::string encoding;  // what was used: "UTF-8", "UTF-16LE", "GB18030", ...
  std::vector<Warning> warnings;
  // For every byte of `utf8`, the byte offset in the input file where the
  // character it belongs to starts (size utf8.size() + 1; last = file size).
  // May be empty when DecodeOptions::input_offsets is false.
  std::vector<long long> input_offset;
};

DecodedText decode(std::string_view bytes, const std::string& file_name,
                   const DecodeOptions& options = {});

}  // namespace plancmp

// Test support shared by the upstream_*_test.cpp files: note look-up, URL and refusal cases.
#pragma once

#include <doctest/doctest.h>

#include "core/upstream/upstream.h"

#include <string>
#include <vector>

using namespace pg;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

bool any_note_contains(const std::vector<std::string>& notes, const std::string& part) {
  for (const auto& n : notes)
    if (contains(n, part)) return true;
  return false;
}

struct UrlCase {
  const char* base;
  const char* url;   // expected URL for path "/chat/completions"
  const char* note;  // a note that must be present (nullptr: no notes at all)
};

struct Refusal {
  const char* base;
  const char* says;    // the error must contain this
  const char* secret;  // and must not contain this (nullptr: nothing to hide)
};

}  // namespace

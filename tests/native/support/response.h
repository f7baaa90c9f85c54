// Test support shared by the response_*_test.cpp files: fixtures, finding look-ups, a stream
// run split every way, and chunk builders.
#pragma once

#include <doctest/doctest.h>

#include "../delta_support.h"

#include "core/answer/chat_stream.h"
#include "core/answer/delta_builder.h"
#include "core/answer/detail/completion_rules.h"     // internal under test
#include "core/answer/detail/issue_log.h"            // internal under test
#include "core/answer/detail/tool_call_assembler.h"  // internal under test

#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

using namespace pg;

namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(PG_FIXTURES) + "/responses/" + name, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "missing fixture " << name);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::size_t count(const Result& r, Severity severity) {
  std::size_t n = 0;
  for (const auto& f : r.findings) n += f.severity == severity;
  return n;
}

// The finding at `path` whose message contains `text` (nullptr when there is none).
const Finding* find(const Result& r, Severity severity, const std::string& path, const std::string& text) {
  for (const auto& f : r.findings)
    if (f.severity == severity && f.path == path && f.message.find(text) != std::string::npos) return &f;
  return nullptr;
}

std::string dump_findings(const Result& r) { return dump_json(to_json(r.findings)); }

#define CHECK_FINDING(r, sev, path, text) CHECK_MESSAGE(find(r, sev, path, text) != nullptr, dump_findings(r))

// --- streams ---------------------------------------------------------------------------

struct StreamRun {
  Result result;
  json deltas = json::array();  // every delta of every push, in order
};

StreamRun run_pieces(const std::vector<std::string_view>& pieces, SseLimits limits = {}) {
  StreamRun run;
  ChatStream stream(limits);
  // The same pushes through the WebAssembly binding's encoded output must give the same
  // deltas, push by push, and end_rest() only what those deltas did not hand out.
  ChatStream encoded_stream(limits);
  std::string pushed_content, pushed_reasoning;
  for (auto piece : pieces) {
    const std::size_t before = run.deltas.size();
    stream.push(piece, run.deltas);
    std::string encoded;
    encoded_stream.push(piece, encoded);
    const json decoded = decode_delta_records(encoded);
    CHECK(decoded == json(json::array_t(run.deltas.begin() + static_cast<std::ptrdiff_t>(before), run.deltas.end())));
    for (const auto& d : decoded) {
      if (const auto* c = string_member(d, "content")) pushed_content += *c;
      if (const auto* r = string_member(d, "reasoning")) pushed_reasoning += *r;
    }
  }
  run.result = stream.end();
  const Result rest = encoded_stream.end_rest();
  CHECK(pushed_content + rest.content == run.result.content);
  CHECK(pushed_reasoning + rest.reasoning == run.result.reasoning);
  Result rest_whole = rest;
  rest_whole.content = run.result.content;
  rest_whole.reasoning = run.result.reasoning;
  CHECK(to_json(rest_whole) == to_json(run.result));
  CHECK(to_json(encoded_stream.end()) == to_json(run.result));  // end_rest() left the whole Result in place
  return run;
}

StreamRun run_whole(std::string_view bytes, SseLimits limits = {}) { return run_pieces({bytes}, limits); }

StreamRun run_bytewise(std::string_view bytes) {
  std::vector<std::string_view> pieces;
  for (std::size_t i = 0; i < bytes.size(); ++i) pieces.push_back(bytes.substr(i, 1));
  return run_pieces(pieces);
}

StreamRun run_random(std::string_view bytes, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::string_view> pieces;
  std::size_t at = 0;
  while (at < bytes.size()) {
    std::size_t n = std::uniform_int_distribution<std::size_t>(1, 40)(rng);
    pieces.push_back(bytes.substr(at, n));
    at += n;
  }
  return run_pieces(pieces);
}

using pg_test::coalesce;

// Feeds a fixture whole, byte by byte and in random splits; all must agree.
StreamRun run_every_way(const std::string& name) {
  const std::string bytes = fixture(name);
  StreamRun whole = run_whole(bytes);
  const json expected = to_json(whole.result);
  const json expected_deltas = coalesce(whole.deltas);
  StreamRun bytewise = run_bytewise(bytes);
  CHECK(to_json(bytewise.result) == expected);
  CHECK(coalesce(bytewise.deltas) == expected_deltas);
  for (unsigned seed : {1u, 2u, 3u}) {
    StreamRun split = run_random(bytes, seed);
    CHECK(to_json(split.result) == expected);
    CHECK(coalesce(split.deltas) == expected_deltas);
  }
  return whole;
}

// run_every_way for bytes that are not a fixture file.
StreamRun run_every_way_bytes(const std::string& bytes) {
  StreamRun whole = run_whole(bytes);
  const json expected = to_json(whole.result);
  CHECK(to_json(run_bytewise(bytes).result) == expected);
  CHECK(coalesce(run_bytewise(bytes).deltas) == coalesce(whole.deltas));
  for (unsigned seed : {1u, 2u, 3u}) CHECK(to_json(run_random(bytes, seed).result) == expected);
  return whole;
}

// `eol`: the line ending (recordings show "\r\n"); `object`: what a chunk calls itself.
std::string data(const json& chunk, const char* eol = "\n") { return "data: " + dump_json(chunk) + eol + eol; }

json chunk(json delta, json finish = nullptr, const char* object = "chat.completion.chunk") {
  return json{
      {"id", "c1"},
      {"object", object},
      {"created", 1},
      {"model", "m"},
      {"choices", json::array({{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish)}}})}};
}

const std::string kUsageChunk =
    data(json{{"id", "c1"},
              {"object", "chat.completion.chunk"},
              {"created", 1},
              {"model", "m"},
              {"choices", json::array()},
              {"usage", {{"prompt_tokens", 1}, {"completion_tokens", 2}, {"total_tokens", 3}}}});
const std::string kDone = "data: [DONE]\n\n";

}  // namespace

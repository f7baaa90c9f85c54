// The stream's fast path (ChunkScanner): it reads what the full parser reads or leaves the
// chunk to it, and ChatStream's Result is the same either way; invalid UTF-8 however split.
#include <doctest/doctest.h>

#include "support/response.h"

#include "delta_support.h"

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

// =========================================================================================
// ChunkScanner: the fast path must read exactly what the full path reads, or decline
// =========================================================================================

namespace {

// What the full path (parse_json + the DOM) reads from a chunk the fast path may take,
// and whether the chunk is within the fast path's shape at all.
struct DomView {
  bool fast_shape = false;
  FastChunk fields;
  std::string storage[7];  // the views in `fields` point here
};

void dom_view(const json& v, DomView& out) {
  out = DomView{};
  const auto* object = string_member(v, "object");
  const json* choices = member(v, "choices");
  const json* usage = member(v, "usage");
  const json* groq = member(v, "x_groq");  // may hold the usage (Groq): the full path's
  out.fast_shape = object && *object == "chat.completion.chunk" && !member(v, "error") && !member(v, "type") &&
                   choices && choices->is_array() && choices->size() <= 1 && (!usage || usage->is_null()) &&
                   (!groq || groq->is_null());
  auto keep = [&](int slot, const std::string* s, std::string_view& view, bool* present = nullptr) {
    if (!s) return;
    out.storage[slot] = *s;
    view = out.storage[slot];
    if (present) *present = true;
  };
  keep(0, string_member(v, "id"), out.fields.id);
  keep(1, string_member(v, "model"), out.fields.model);
  out.fields.has_created = number_member(v, "created").has_value();
  if (!out.fast_shape || choices->empty()) return;
  const json& choice = choices->front();
  const json* index = member(choice, "index");
  out.fields.has_choice = true;
  if (!index || !index->is_number() || index->get<double>() != 0) out.fast_shape = false;
  keep(2, string_member(choice, "finish_reason"), out.fields.finish_reason, &out.fields.has_finish_reason);
  const json* delta = member(choice, "delta");
  if (!delta || delta->is_null()) return;
  if (!delta->is_object()) {
    out.fast_shape = false;
    return;
  }
  for (const char* key : {"tool_calls", "refusal", "function_call"})
    if (const json* m = member(*delta, key); m && !m->is_null()) out.fast_shape = false;
  keep(3, string_member(*delta, "content"), out.fields.content, &out.fields.has_content);
  keep(4, string_member(*delta, "reasoning_content"), out.fields.reasoning_content, &out.fields.has_reasoning_content);
  keep(5, string_member(*delta, "reasoning"), out.fields.reasoning, &out.fields.has_reasoning);
}

// When the scanner accepts `text`, the full parser must accept it too and read the same.
// Returns whether the scanner accepted.
bool scan_agrees_with_dom(ChunkScanner& scanner, const std::string& text) {
  FastChunk fast;
  const bool accepted = scanner.scan(text, fast);
  if (!accepted) return false;
  auto parsed = parse_json(text);
  REQUIRE_MESSAGE(parsed.value, "scanner accepted what parse_json refuses: " << text);
  DomView dom;
  dom_view(*parsed.value, dom);
  INFO(text);
  CHECK(dom.fast_shape);
  CHECK(fast.id == dom.fields.id);
  CHECK(fast.model == dom.fields.model);
  CHECK(fast.has_created == dom.fields.has_created);
  CHECK(fast.has_choice == dom.fields.has_choice);
  CHECK(fast.content == dom.fields.content);
  CHECK(fast.has_content == dom.fields.has_content);
  CHECK(fast.reasoning_content == dom.fields.reasoning_content);
  CHECK(fast.has_reasoning_content == dom.fields.has_reasoning_content);
  CHECK(fast.reasoning == dom.fields.reasoning);
  CHECK(fast.has_reasoning == dom.fields.has_reasoning);
  CHECK(fast.finish_reason == dom.fields.finish_reason);
  CHECK(fast.has_finish_reason == dom.fields.has_finish_reason);
  return true;
}

// Every `data:` payload of every stream fixture.
std::vector<std::string> fixture_chunks() {
  std::vector<std::string> out;
  for (const char* name : {"openai-content.sse", "openai-tool-calls.sse", "anthropic-compat.sse",
                           "deepseek-reasoner.sse", "azure.sse", "ollama-style.sse", "openrouter-reasoning.sse",
                           "openrouter-midstream-error.sse", "vllm-midstream-error.sse", "missing-done.sse"}) {
    const std::string text = fixture(name);
    std::size_t at = 0;
    while ((at = text.find("data: ", at)) != std::string::npos) {
      at += 6;
      std::size_t end = text.find_first_of("\r\n", at);
      out.push_back(text.substr(at, end - at));
    }
  }
  return out;
}

}  // namespace

TEST_CASE("ChunkScanner reads the fixtures' ordinary chunks as the full parser does") {
  ChunkScanner scanner;
  std::size_t accepted = 0, total = 0;
  for (const std::string& chunk_text : fixture_chunks()) {
    ++total;
    accepted += scan_agrees_with_dom(scanner, chunk_text);
  }
  // Most chunks are ordinary; usage, tool-call, error and Azure filter chunks are not.
  CHECK(accepted >= 30);
  CHECK(accepted < total);
}

TEST_CASE("ChunkScanner: what it takes and what it leaves to the full path") {
  ChunkScanner scanner;
  FastChunk f;
  const std::string head = R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[)";
  auto with_choice = [&](const std::string& choice) { return head + choice + "]}"; };

  REQUIRE(scan_agrees_with_dom(
      scanner, with_choice(R"({"index":0,"delta":{"content":"a\"b\\c\/\n\u00e9\ud83d\ude42\u0000"}})")));
  CHECK(scanner.scan(with_choice(R"({"index":0,"delta":{"content":"x\u00e9"}})"), f));
  CHECK(f.content == "x\xC3\xA9");
  CHECK(scan_agrees_with_dom(
      scanner,
      with_choice(
          R"({"index":0,"delta":{"role":"assistant","content":null,"reasoning_content":"r"},"finish_reason":"stop","logprobs":{"content":[{"token":"a","logprob":-0.25,"bytes":[97],"top":[true,false,null]}]}})")));
  CHECK(scan_agrees_with_dom(scanner, head + "]}"));
  CHECK(scan_agrees_with_dom(scanner, " \n" + with_choice(R"({"index":0,"delta":null})") + " \r\n"));

  const std::vector<std::string> declined = {
      with_choice(R"({"index":0,"delta":{"content":"\ud83d"}})"),                     // lone surrogate
      with_choice(R"({"index":0,"delta":{"content":"\udc00x"}})"),                    // lone low surrogate
      with_choice("{\"index\":0,\"delta\":{\"content\":\"\xC0\xAF\"}}"),              // overlong UTF-8
      with_choice("{\"index\":0,\"delta\":{\"content\":\"\xED\xA0\x80\"}}"),          // UTF-8 surrogate
      with_choice("{\"index\":0,\"delta\":{\"content\":\"a\tb\"}}"),                  // raw control character
      with_choice(R"({"index":0,"delta":{"content":"a"},"delta":{"content":"b"}})"),  // duplicate key
      with_choice(R"({"index":1,"delta":{"content":"a"}})"),
      with_choice(R"({"index":-0,"delta":{"content":"a"}})"),
      with_choice(R"({"delta":{"content":"a"}})"),
      with_choice(R"({"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}})"),
      with_choice(R"({"index":0,"delta":{"content":5}})"),
      with_choice(R"({"index":0,"delta":{"role":"user","content":"a"}})"),
      with_choice(R"({"index":0,"delta":{"refusal":"no"}})"),
      with_choice(R"({"index":0,"delta":{"tool_calls":[]}})"),
      with_choice(R"({"index":0,"delta":{"function_call":{"name":"f"}}})"),            // legacy function call
      with_choice(R"({"index":0,"delta":{"content":[{"type":"text","text":"a"}]}})"),  // content parts
      head + R"(],"x_groq":{"usage":{"total_tokens":1}}})",                            // Groq's usage
      with_choice(R"({"index":0,"delta":{"content":"a"},"x":1e400})"),                 // out of a double's range
      with_choice(R"({"index":0,"delta":{"content":"a"},"x":01})"),
      with_choice(R"({"index":0,"delta":{"content":"a"},"x":[1,]})"),
      with_choice(R"({"index":0,"delta":{"con\u0074ent":"a"}})"),  // escaped key
      R"({"id":"c","object":"chat.completion","choices":[]})",
      R"({"id":"c","object":"chat.completion.chunk","choices":[],"usage":{"total_tokens":1}})",
      R"({"id":"c","object":"chat.completion.chunk","choices":[],"error":{"message":"x"}})",
      R"({"id":"c","object":"chat.completion.chunk"})",
      R"({"id":7,"object":"chat.completion.chunk","choices":[]})",
      head + "]} x",
      head + "]",
      "\xEF\xBB\xBF" + head + "]}",
  };
  for (const std::string& text : declined) CHECK_MESSAGE(!scanner.scan(text, f), text);

  // Nesting: as deep as parse_json allows is fine, one level more is the full path's to refuse.
  auto nested = [&](std::size_t depth) {  // total depth of the document
    const std::size_t extra = depth - 1;
    return R"({"object":"chat.completion.chunk","choices":[],"x":)" + std::string(extra, '[') +
           std::string(extra, ']') + "}";
  };
  CHECK(scan_agrees_with_dom(scanner, nested(kMaxJsonDepth)));
  CHECK_FALSE(scanner.scan(nested(kMaxJsonDepth + 1), f));
}

TEST_CASE("ChunkScanner never accepts what the full parser reads differently (mutation fuzz)") {
  std::vector<std::string> seeds = fixture_chunks();
  seeds.push_back(
      R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"a\"\u00e9\ud83d\ude42","reasoning":null},"finish_reason":null,"x":[{"y":[true,false,null,-1.5,0]}]}]})");
  // The quirks' chunks: x_groq, a legacy function_call, content as parts.
  seeds.push_back(
      R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"a","function_call":null},"finish_reason":"stop"}],"x_groq":null})");
  seeds.push_back(
      R"({"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":[{"type":"text","text":"a"}]}}],"x_groq":{"usage":{"total_tokens":1}}})");
  const std::string alphabet = "{}[]\",:\\0123456789-.eEtrufalsn ux\xC3\xA9\x80\xFF\n";
  std::mt19937 rng(20240611);
  ChunkScanner scanner;
  std::size_t accepted = 0;
  for (int round = 0; round < 20000; ++round) {
    std::string text = seeds[rng() % seeds.size()];
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !text.empty(); ++e) {
      const std::size_t at = rng() % text.size();
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 4) {
        case 0: text.erase(at, 1); break;
        case 1: text.insert(at, 1, c); break;
        case 2: text[at] = c; break;
        default: text.resize(at); break;
      }
    }
    accepted += scan_agrees_with_dom(scanner, text);
  }
  CHECK(accepted > 100);  // the fuzz also reaches the accepting side
}

TEST_CASE("ChatStream gives the same result whether chunks take the fast path or not") {
  // The same answer as ordinary chunks (fast path) and with a harmless exponent in an
  // extra field (full path).
  std::string fast, full;
  for (const char* piece : {"Hel", "lo \\\"", "w\\u00f6rld\\n"}) {
    const std::string c =
        std::string(
            R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":")") +
        piece + R"("},"finish_reason":null}]})";
    fast += "data: " + c + "\n\n";
    full += "data: " + c.substr(0, c.size() - 1) + R"(,"x":1e0})" + "\n\n";
  }
  const std::string tail = data(chunk(json::object(), "stop")) + kUsageChunk + kDone;
  StreamRun a = run_whole(fast + tail), b = run_whole(full + tail);
  CHECK(a.result.content == "Hello \"w\xC3\xB6rld\n");
  CHECK(to_json(a.result) == to_json(b.result));
  CHECK(a.deltas == b.deltas);
}

TEST_CASE(
    "ChatStream: invalid UTF-8 bytes are shown as U+FFFD and counted in one warning, however the bytes are split") {
  const std::string base =
      R"({"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":)";
  const std::string bytes = "data: " + base + "{\"content\":\"ok \xFF\xC3\"},\"finish_reason\":null}]}\n\n" +
                            "data: " + base + "{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
  for (const auto& run : {run_whole(bytes), run_bytewise(bytes), run_random(bytes, 3)}) {
    CHECK(run.result.content == "ok \xEF\xBF\xBD\xEF\xBF\xBD");
    CHECK_FINDING(run.result, Severity::Warning, "", "2 invalid UTF-8 sequences");
    CHECK(run.result.ok());
  }
  CHECK_FALSE(find(
      run_whole("data: " + base + "{\"content\":\"fine\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n").result,
      Severity::Warning, "", "UTF-8"));
}

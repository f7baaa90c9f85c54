// ChatRequest, the relay's chat request read from its bytes (bytes in, bytes out; the
// binding's pg_request_open / pg_request_check). Input: [options][the request's bytes].
// options bit 0: the model's shaping applied; bit 1: a reasoning model's name; bit 2: a
// second check. Invariants: no crash whatever the bytes; the envelope's answer is one of its
// two errors or a non-empty UTF-8 model id; every reply is valid UTF-8 JSON; a checked body
// parses back as an object naming the configured model; and wherever the core's strict reader
// reads the request, the answers are exactly the earlier path's (parse the envelope, then
// check_chat_body on its body and shape_call): same model, same errors, same bytes.
#include "core/request/chat_request.h"
#include "fuzz_util.h"

namespace {

pg::ChatTarget target_for(std::uint8_t options) {
  pg::ChatTarget t;
  t.model_name = (options & 2) ? "o3-mini" : "gpt-4o-mini";
  t.provider = "openai";
  if (options & 1) {
    t.shaped = true;
    t.shaping = pg::shaping_from_json(pg::json{{"protocol", "openai"},
                                               {"paramRenames", {{"max_tokens", "max_output_tokens"}}},
                                               {"temperatureMin", 0.1},
                                               {"temperatureMax", 1},
                                               {"defaultBodyFields", {{"user", "fuzz"}}},
                                               {"defaultHeaders", {{"x-request", "${request.id}"}}},
                                               {"contentListToString", true}});
    t.request_id = "req-fuzz";
  }
  return t;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  pgfuzz::Reader in(data, size);
  const std::uint8_t options = in.byte();
  const std::string_view bytes = in.rest();
  const pg::ChatTarget target = target_for(options);

  pg::ChatRequest request(bytes);
  pgfuzz::checked_dump(request.open_json());
  if (request.ok()) {
    PGFUZZ_CHECK(!request.model().empty() && pgfuzz::valid_utf8(request.model()));
  } else {
    PGFUZZ_CHECK(request.error_code() == "not_json" || request.error_code() == "no_model");
  }

  // The earlier path, where the strict reader reads the whole request.
  const auto strict = pg::parse_json(bytes);
  if (strict.value) {
    const pg::json& doc = *strict.value;
    const std::string* model = pg::string_member(doc, "model");
    const bool opens = doc.is_object() && model && !model->empty();
    PGFUZZ_CHECK(request.ok() == opens);
    if (opens) PGFUZZ_CHECK(request.model() == *model);
  }

  pg::CheckedRequest checked = request.check(target);
  {
    const std::string meta = pg::meta_text(checked);
    PGFUZZ_CHECK(pgfuzz::valid_utf8(meta));
    const auto read = pg::parse_json(meta, 4 * pg::kMaxJsonDepth);
    PGFUZZ_CHECK(read.value && read.value->is_object() && (*read.value)["ok"] == checked.ok);
    PGFUZZ_CHECK(pg::dump_json(*read.value) == meta);  // the tree's own text, members in its order
  }
  PGFUZZ_CHECK(checked.ok == checked.errors.empty());
  PGFUZZ_CHECK(!checked.ok || checked.bad_input == false);
  if (!request.ok()) PGFUZZ_CHECK(checked.bad_input);
  if (checked.ok) {
    PGFUZZ_CHECK(pgfuzz::valid_utf8(checked.body));
    const auto sent = pg::parse_json(checked.body);
    PGFUZZ_CHECK(sent.value && sent.value->is_object());
    const std::string* model = pg::string_member(*sent.value, "model");
    PGFUZZ_CHECK(model && *model == target.model_name);
  }
  if (strict.value && request.ok()) {
    const pg::json* body = pg::member(*strict.value, "body");
    pg::BuildResult old = pg::check_chat_body(body ? *body : pg::json(), target.model_name, target.provider);
    PGFUZZ_CHECK(!checked.bad_input);
    PGFUZZ_CHECK(old.ok == checked.ok);
    if (old.ok) {
      if (target.shaped) {
        const pg::ShapedCall call = pg::shape_call(old.body, target.shaping, target.request_id);
        PGFUZZ_CHECK(call.stream == checked.stream);
        PGFUZZ_CHECK(call.headers.size() == checked.headers.size());
        PGFUZZ_CHECK(call.changes.size() == checked.changes.size());
      }
      PGFUZZ_CHECK(pg::dump_json(old.body) == checked.body);
    } else {
      PGFUZZ_CHECK(old.errors.size() == checked.errors.size());
      for (std::size_t i = 0; i < old.errors.size(); ++i) {
        PGFUZZ_CHECK(old.errors[i].field == checked.errors[i].field);
        PGFUZZ_CHECK(old.errors[i].message == checked.errors[i].message);
      }
    }
  }
  if (options & 4) {
    const pg::CheckedRequest again = request.check(target);
    PGFUZZ_CHECK(!again.ok && again.bad_input);
  }
  return 0;
}

// check_chat_body(), the relay's re-validation of a browser's body, on arbitrary JSON:
// {"body":…, "model_name":"…", "provider":"…"} as the binding takes it. Invariants: an
// accepted body names the configured model, trimmed (never the browser's), its size is what
// body_size() says, and the reply is valid UTF-8 JSON.
#include "core/request/chat_body.h"
#include "fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = pg::parse_json(std::string_view(reinterpret_cast<const char*>(data), size));
  if (!parsed.value) return 0;
  const pg::json& args = *parsed.value;
  const pg::json* body = pg::member(args, "body");
  const auto* name = pg::string_member(args, "model_name");
  const std::string model_name = name ? *name : std::string("gpt-4o-mini");
  const auto* provider = pg::string_member(args, "provider");

  const pg::BuildResult r =
      pg::check_chat_body(body ? *body : pg::json(), model_name, provider ? *provider : std::string("openai"));
  pgfuzz::checked_dump(pg::to_json(r));
  PGFUZZ_CHECK(r.ok == r.errors.empty());
  if (r.ok) {
    PGFUZZ_CHECK(r.body.is_object());
    // The builder trims a pasted name's surrounding spaces; a blank name sets no model.
    const std::size_t first = model_name.find_first_not_of(" \t\n\r\f\v");
    const auto* model = pg::string_member(r.body, "model");
    if (first == std::string::npos) {
      PGFUZZ_CHECK(model == nullptr);
    } else {
      const std::size_t last = model_name.find_last_not_of(" \t\n\r\f\v");
      PGFUZZ_CHECK(model && *model == model_name.substr(first, last - first + 1));
    }
    PGFUZZ_CHECK(pg::body_size(r.body) == pg::dump_json(r.body).size());
  }
  return 0;
}

// A 2xx (or a stream): did the answer come, whole and in OpenAI's shape? A web page or a
// provider's native format at 2xx is a base-URL problem; an error inside the body or the
// stream is classified like an HTTP error; a cut by max tokens is a warning, not a broken
// setting.
#include "core/answer/chat_stream.h"
#include "core/diagnose/detail/rules.h"
#include "core/provider/body_sniff.h"

namespace pg::diag {

namespace {

std::string sentence(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  return s + ".";
}

bool is_anthropic_native(const Outcome& o, const ResultView& r) {
  if (has_code(r.error_codes, "anthropic_native")) return true;
  return o.body && sniff::is_anthropic_native(*o.body);
}

// The provider's error in place of an answer (Result.providerError), as the rules read it.
ProviderFacts facts_from_answer_error(const AnswerErrorView& e) {
  ProviderFacts f;
  f.mid_stream = e.mid_stream;
  f.shape = e.type == "text" ? BodyShape::Text : BodyShape::Envelope;
  const bool form_word =
      e.type == "error" || e.type == "text" || e.type == "json" || e.type == "html" || e.type == "empty";
  if (!form_word) f.type = e.type;
  f.code = e.code;
  f.param = e.param;
  f.message = e.message;
  // A numeric code in the error is the status the provider meant (OpenRouter, vLLM), in a
  // stream too: OpenRouter's mid-stream {"code":502} is an upstream outage.
  f.status = status_in_code(f.code);
  return f;
}

// An event that says it is the relay's but lacks this response's relay nonce came from the
// upstream: it is read as what it is, the provider's error event (diagnose() adds that it
// posed as the relay's). Its kind stands where a provider's error type would.
ProviderFacts facts_from_posing_event(const RelayEventView& e) {
  ProviderFacts f;
  f.mid_stream = true;
  f.shape = BodyShape::Envelope;
  f.type = e.kind;
  f.message = e.message;
  return f;
}

RelayFailure relay_failure_of(const RelayEventView& e) {
  RelayFailure r;
  r.kind = e.kind;
  r.message = e.message;
  r.phase = e.phase;
  r.reason = e.reason;
  return r;
}

std::string answer_summary(const ResultView& r) {
  std::string s = "a valid chat completion: " + std::to_string(r.content_bytes) + " characters";
  if (r.tool_calls) s += ", " + std::to_string(r.tool_calls) + (r.tool_calls == 1 ? " tool call" : " tool calls");
  if (r.function_call) s += ", a function call (the legacy function_call)";
  if (!r.finish_reason.empty()) s += ", finish_reason " + r.finish_reason;
  if (!r.model.empty()) s += ", model " + r.model;
  return s;
}

// The model step's evidence for an answer: the configured name, and the name the
// provider reported when it differs (an alias resolved to a dated snapshot, a router).
std::string model_evidence(const Outcome& o, const ResultView& r) {
  std::string s =
      (o.model_name.empty() ? std::string("the model") : "model `" + excerpt(o.model_name, 80) + "`") + " answered";
  if (!r.model.empty() && r.model != o.model_name) s += " (reported as `" + excerpt(r.model, 80) + "`)";
  return s;
}

Cause all_passed(const ResultView& r) {
  Cause c;
  c.passed = kAnswer;
  c.pass_evidence[kAnswer] = answer_summary(r);
  c.summary = "All checks passed: the key, base URL and model name work.";
  return c;
}

Cause passed_with(std::string answer_evidence, Condition cond, const std::string& headline) {
  Cause c;
  c.passed = kAnswer;
  c.pass_evidence[kAnswer] = std::move(answer_evidence);
  c.summary =
      sentence("The settings work (the key, base URL and model name answered), but " + headline + ": " + cond.advice);
  c.conditions.push_back(std::move(cond));
  return c;
}

Cause answer_failed(const char* code, std::string evidence, std::string advice, const std::string& headline) {
  Cause c;
  c.passed = kModel;
  c.failed = kAnswer;
  c.code = code;
  c.evidence = std::move(evidence);
  c.summary = sentence(headline + ": " + advice);
  c.advice = std::move(advice);
  return c;
}

// Advice for an answer with error findings, by the first one's code (finding.h).
std::string findings_advice(const std::string& code) {
  static constexpr std::string_view kCut[] = {"stream_cut", "stream_cut_mid_event"};
  static constexpr std::string_view kNotCompletion[] = {"not_json", "not_object", "stream_empty"};
  static constexpr std::string_view kNotShape[] = {"object_wrong", "choices_invalid", "choices_empty",
                                                   "choice_not_object", "message_missing"};
  auto in = [&](const auto& list) {
    for (std::string_view c : list)
      if (c == code) return true;
    return false;
  };
  if (in(kCut))
    return "the stream stopped before its end ([DONE]): retry; if it repeats, a proxy between the relay and the "
           "provider may be cutting long answers";
  if (in(kNotCompletion))
    return "the answer is not a chat completion: check that the base URL points at an OpenAI-compatible API";
  if (in(kNotShape))
    return "the server answered, but not in OpenAI's chat-completion shape: it may not be OpenAI-compatible at this "
           "base URL";
  return "the answer does not follow OpenAI's chat-completion format: see the findings in the raw response";
}

Cause explain_answered(const Outcome& o, const ResultView& r);

}  // namespace

void note_posing_relay(Cause& c, const RelayEventView& event) {
  if (c.posing_relay_noted) return;
  c.posing_relay_noted = true;
  const std::string note =
      std::string("the provider sent an event that claims to be the relay's (relay_error ") +
      (event.nonce.empty() ? "without the relay's nonce" : "with a nonce that is not this call's") + ")";
  if (c.failed >= 0)
    c.evidence = note + "; " + c.evidence;
  else
    c.summary = first_upper(note) + ". " + c.summary;
}

Cause explain_answer(const Outcome& o) {
  const int status = o.status ? o.status : 200;

  // A web page where the API should be (a marketing site, a dashboard, a docs page).
  if (sniff::is_html(o.body ? std::string_view(*o.body) : std::string_view(), o.content_type)) {
    ProviderFacts f = facts_from_response(o, status);
    f.shape = BodyShape::Html;
    const std::string advice = endpoint_advice(o, true);
    Cause c;
    c.passed = kReach;
    c.failed = kEndpoint;
    c.code = "endpoint_web_page";
    c.evidence = http_evidence(f);
    c.advice = advice;
    c.summary = sentence("The base URL leads to a web site, not an OpenAI-compatible API: " + advice);
    return c;
  }

  ResultView r;
  if (o.result) {
    r = *o.result;
  } else if (o.body && sniff::is_event_stream(*o.body, o.content_type)) {
    // The raw bytes of a stream, not yet decoded: decode them as the page would.
    ChatStream stream;
    json deltas = json::array();
    stream.push(*o.body, deltas);
    r = read_result(to_json(stream.end()), o.secrets);
  } else if (o.body) {
    r = read_result(to_json(validate_completion(*o.body)), o.secrets);
  } else {
    return answer_failed("no_answer_recorded", "HTTP " + std::to_string(status) + " and no answer was recorded",
                         "run again; the outcome carries neither a body nor a decoded stream", "Nothing to check");
  }

  if (is_anthropic_native(o, r)) {
    const std::string advice =
        "this is Anthropic's native Messages API, not an OpenAI chat completion: use Anthropic's OpenAI-compatible "
        "base URL https://api.anthropic.com/v1/";
    Cause c;
    c.passed = kReach;
    c.failed = kEndpoint;
    c.code = "anthropic_native";
    c.evidence = "HTTP " + std::to_string(status) + " with an Anthropic Messages body (type \"message\")";
    c.advice = advice;
    c.summary = sentence("The base URL does not lead to an OpenAI-compatible API: " + advice);
    return c;
  }

  if (r.provider_error) {
    if (r.provider_error->mid_stream) return explain_provider_error(facts_from_answer_error(*r.provider_error), o);
    // A 2xx whose body is an error envelope: read it as the error response it is.
    ProviderFacts f = o.body ? facts_from_response(o, status) : facts_from_answer_error(*r.provider_error);
    if (!o.body) f.http_status = status;
    if (classify(f) != Kind::Other) return explain_provider_error(f, o);
    return answer_failed("provider_error", http_evidence(f),
                         "the provider sent an error with a success status: its message says why",
                         "The provider answered with an error instead of a completion");
  }

  // The stream's relay_error event comes after every provider byte, so a provider's own
  // error event above explains more; it in turn explains more than the findings below (a
  // stream the relay cut also lacks its [DONE]).
  if (r.relay_event) {
    if (is_relays(o, *r.relay_event)) return explain_relay_failure(relay_failure_of(*r.relay_event), o, true);
    Cause c = explain_provider_error(facts_from_posing_event(*r.relay_event), o);
    note_posing_relay(c, *r.relay_event);
    return c;
  }

  if (!r.errors.empty()) {
    std::string evidence = r.errors[0];
    if (r.errors.size() > 1) evidence += "; " + r.errors[1];
    if (r.errors.size() > 2) evidence += " (and " + std::to_string(r.errors.size() - 2) + " more)";
    return answer_failed("answer_invalid", evidence,
                         findings_advice(r.error_codes.empty() ? std::string() : r.error_codes[0]),
                         "The provider answered, but not with a valid chat completion");
  }

  Cause c = explain_answered(o, r);
  if (c.passed >= kModel && c.pass_evidence[kModel].empty()) c.pass_evidence[kModel] = model_evidence(o, r);
  return c;
}

namespace {

// A 2xx answer without error findings: whole, cut short, filtered, refused, empty, or not
// the JSON the request asked for.
Cause explain_answered(const Outcome& o, const ResultView& r) {
  const bool has_answer = !r.content.empty() || r.tool_calls > 0 || r.function_call;
  if (r.finish_reason == "length") {
    if (!has_answer) {
      std::string seen = "reached, answered, cut short by the token limit: finish_reason length with no answer text";
      if (!r.reasoning.empty()) seen += " (" + std::to_string(r.reasoning_bytes) + " characters of reasoning)";
      return passed_with(
          seen,
          Condition{"truncated", "prompt", seen, "raise max tokens (reasoning models spend tokens thinking first)"},
          "the answer was cut short by the token limit before any text");
    }
    return passed_with(
        answer_summary(r) + " (cut short by the token limit)",
        Condition{"truncated", "prompt", "the answer was cut short by the token limit (finish_reason length)",
                  "raise max tokens to get the whole answer"},
        "the answer was cut short by the token limit");
  }
  if (r.finish_reason == "content_filter") {
    return passed_with(answer_summary(r) + " (stopped by the content filter)",
                       Condition{"content_filter", "prompt",
                                 "the provider's content filter stopped the answer (finish_reason content_filter)",
                                 "rephrase the prompt; the settings work"},
                       "the provider's content filter stopped the answer");
  }
  std::string refusal;
  for (std::size_t i = 0; i < r.warnings.size() && i < r.warning_codes.size(); ++i)
    if (r.warning_codes[i] == "refusal") refusal = r.warnings[i];
  if (!refusal.empty()) {
    return passed_with(answer_summary(r) + " (a refusal)",
                       Condition{"refusal", "prompt", refusal, "rephrase the prompt; the settings work"},
                       "the model refused to answer");
  }
  if (!has_answer) {
    return answer_failed(
        "empty_answer",
        "the answer is empty" + (r.finish_reason.empty() ? std::string() : " (finish_reason " + r.finish_reason + ")"),
        "the model returned no text and no tool calls: retry, or check the prompt and parameters",
        "The settings work, but the answer is empty");
  }
  if (auto mismatch = explain_format(o, r)) return std::move(*mismatch);
  return all_passed(r);
}

}  // namespace

}  // namespace pg::diag

// core.diagnose: picks the path that explains the outcome (the relay failed, the provider
// answered with an error status, or it answered), then lays the cause out as the five
// steps. Every text that leaves is redacted again and cut to one short line, whatever
// the explainers wrote: evidence quotes provider messages, and those echo keys.
#include "core/diagnose/diagnose.h"

#include "core/diagnose/detail/input.h"
#include "core/diagnose/detail/rules.h"
#include "core/secrets/redact.h"

namespace pg {

namespace {

using namespace diag;

constexpr std::size_t kMaxLineChars = 300;
constexpr std::size_t kMaxSummaryChars = 400;

// One line: secrets removed first (a cut secret would no longer be recognised), then cut.
std::string clean(const std::string& text, const Outcome& o, std::size_t max_chars = kMaxLineChars) {
  return excerpt(redact(text, o.secrets), max_chars - 3);  // excerpt may add "..."
}

bool is_2xx(int status) { return status >= 200 && status < 300; }

// The user pressed Stop: what had been seen passes, the rest was not checked, and nothing
// is blamed on a setting.
Cause stopped_by_user(const Outcome& o) {
  Cause c;
  const bool answering = is_2xx(o.status) || (o.result && (!o.result->content.empty() || !o.result->reasoning.empty()));
  c.passed = answering ? kModel : -1;
  c.stop_reason = "you stopped the run";
  c.summary = answering ? "You stopped the run while the answer was arriving: the key, base URL and model name worked; "
                          "run again to check a whole answer."
                        : "You stopped the run before the provider answered: nothing was checked yet.";
  c.conditions.push_back(Condition{"stopped", "user", "you stopped the run", "run again to check a whole answer"});
  return c;
}

Cause explain(const Outcome& o) {
  if (o.aborted && !o.relay && (!o.status || is_2xx(o.status))) return stopped_by_user(o);
  if (o.relay) {
    // The relay failed after the provider's answer began (its relay_error event) only
    // when something of the answer arrived: a 2xx, or a result with anything in it. A
    // page that hands over an empty result beside a connect failure is not mid-stream.
    const ResultView* r = o.result ? &*o.result : nullptr;
    const bool started =
        is_2xx(o.status) ||
        (r && (!r->content.empty() || !r->reasoning.empty() || r->tool_calls > 0 || r->function_call || r->done));
    return explain_relay_failure(*o.relay, o, started);
  }
  if (o.status && !is_2xx(o.status)) return explain_provider_error(facts_from_response(o, o.status), o);
  if (o.status || o.result || o.body) return explain_answer(o);
  Cause c;
  c.summary = "Nothing to diagnose: the outcome has no relay error, status, body or result.";
  c.stop_reason = "the outcome records no run";
  c.conditions.push_back(Condition{"no_outcome", "relay", "the outcome records no run", "run the model again"});
  return c;
}

std::string model_label(const Outcome& o) {
  return o.model_name.empty() ? std::string("the model") : "model `" + excerpt(o.model_name, 80) + "`";
}

// What a passing step saw, when the explainer did not say it better.
std::string default_pass_evidence(int step, const Outcome& o) {
  const bool answered = is_2xx(o.status) || (!o.status && (o.result || o.body));
  const std::string status = o.status ? "HTTP " + std::to_string(o.status) : std::string("a streamed answer");
  switch (step) {
    case kReach: return host_or_provider(o) + " answered (" + status + ")";
    case kEndpoint:
      return answered ? "an OpenAI-compatible API answered (" + status + ")"
                      : "the API answered in its own error format (" + status + ")";
    case kKey:
      return answered ? "the provider accepted the key"
                      : "the provider accepted the key (its " + status + " is about something else)";
    case kModel: {
      std::string s = answered ? model_label(o) + " answered" : "the provider accepted " + model_label(o);
      if (o.result && !o.result->model.empty() && o.result->model != o.model_name)
        s += " (reported as `" + excerpt(o.result->model, 80) + "`)";
      return s;
    }
    case kAnswer: return "a valid chat completion";
  }
  return {};
}

}  // namespace

Diagnosis diagnose(const json& outcome) {
  const Outcome o = diag::read_outcome(outcome);
  Cause cause = explain(o);
  // The relay's explainers fail a step for the relay's error kind (a closed list too).
  if (cause.failed >= 0 && cause.code.empty()) {
    if (o.relay)
      cause.code = o.relay->kind;
    else if (o.result && o.result->relay_event)
      cause.code = o.result->relay_event->kind;
  }
  // Whatever explained the run, an upstream that posed as the relay is worth saying.
  if (o.result && o.result->relay_event && !is_relays(o, *o.result->relay_event))
    note_posing_relay(cause, *o.result->relay_event);

  Diagnosis d;
  const std::string stopped = !cause.stop_reason.empty() ? cause.stop_reason
                              : cause.failed >= 0 ? std::string("the ") + step_name(cause.failed) + " step failed first"
                                                  : std::string("the run stopped earlier");
  for (int i = 0; i < kStepCount; ++i) {
    Step s;
    s.step = step_name(i);
    if (i == cause.failed) {
      s.status = StepStatus::Fail;
      s.code = cause.code;
      s.evidence = clean(cause.evidence, o);
      s.advice = clean(cause.advice, o);
    } else if (i <= cause.passed) {
      s.status = StepStatus::Pass;
      s.evidence = clean(cause.pass_evidence[i].empty() ? default_pass_evidence(i, o) : cause.pass_evidence[i], o);
    } else {
      s.status = StepStatus::NotReached;
      s.evidence = clean("not checked: " + stopped, o);
    }
    d.steps.push_back(std::move(s));
  }
  for (const Condition& c : cause.conditions)
    d.conditions.push_back(Condition{c.kind, c.side, clean(c.message, o), clean(c.advice, o)});
  d.summary = clean(cause.summary, o, kMaxSummaryChars);

  const bool failed = cause.failed >= 0 || (cause.passed < kAnswer && !o.aborted);
  d.verdict = failed ? "fail" : d.conditions.empty() ? "pass" : "warn";
  return d;
}

const char* to_string(StepStatus status) {
  switch (status) {
    case StepStatus::Pass: return "pass";
    case StepStatus::Fail: return "fail";
    case StepStatus::NotReached: return "not_reached";
  }
  return "not_reached";
}

json to_json(const Diagnosis& d) {
  json steps = json::array();
  for (const Step& s : d.steps)
    steps.push_back({{"step", s.step},
                     {"status", to_string(s.status)},
                     {"code", s.code.empty() ? json(nullptr) : json(s.code)},
                     {"evidence", s.evidence},
                     {"advice", s.advice}});
  json conditions = json::array();
  for (const Condition& c : d.conditions)
    conditions.push_back({{"kind", c.kind}, {"side", c.side}, {"message", c.message}, {"advice", c.advice}});
  return json{{"steps", std::move(steps)},
              {"conditions", std::move(conditions)},
              {"summary", d.summary},
              {"verdict", d.verdict}};
}

}  // namespace pg

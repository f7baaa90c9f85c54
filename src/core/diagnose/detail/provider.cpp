// What a provider's error means for the checklist: which setting failed, or which
// condition (provider side, prompt side) stopped the run, with one line of advice.
#include "core/diagnose/detail/rules.h"

#include <optional>

namespace pg::diag {

namespace {

// The parameter an "unsupported parameter" error names: OpenAI's `param`, else the first
// 'quoted' word of the message, else what follows " at " (Mistral's pydantic location).
std::string named_parameter(const ProviderFacts& f) {
  if (!f.param.empty()) return f.param;
  const std::size_t open = f.message.find('\'');
  if (open != std::string::npos) {
    const std::size_t close = f.message.find('\'', open + 1);
    if (close != std::string::npos && close > open + 1 && close - open <= 61)
      return f.message.substr(open + 1, close - open - 1);
  }
  const std::size_t at = f.message.rfind(" at ");
  if (at != std::string::npos && f.message.size() - at <= 64) {
    std::string where = f.message.substr(at + 4);
    const std::size_t dot = where.rfind('.');
    return dot == std::string::npos ? where : where.substr(dot + 1);
  }
  return {};
}

std::string unsupported_parameter_advice(const std::string& param) {
  if (param == "max_tokens")
    return "this model takes max_completion_tokens, not max_tokens (OpenAI reasoning models): send the limit "
           "as max_completion_tokens";
  if (param == "max_completion_tokens")
    return "this provider takes max_tokens, not max_completion_tokens: send the limit as max_tokens";
  for (const char* sampling : {"temperature", "top_p", "presence_penalty", "frequency_penalty", "logprobs",
                               "top_logprobs", "stop", "logit_bias", "n"}) {
    if (param == sampling)
      return "this model only accepts the default " + param + ": clear " + param + " from the parameters";
  }
  if (!param.empty()) return "remove " + param + " from the request: this model or provider does not accept it";
  return "remove the parameter the provider names: this model or provider does not accept it";
}

std::string retry_after(const Outcome& o) {
  const std::string value = header(o, "retry-after");
  if (value.empty()) return {};
  const bool digits = all_digits(value);
  return digits ? " (Retry-After: " + value + " s)" : " (Retry-After: " + value + ")";
}

// The condition a provider error stands for, when it is not a setting's fault: the
// condition itself, and its headline for the summary.
struct Explained {
  Condition cond;
  std::string headline;
};

Explained explained(std::string kind, std::string side, std::string headline, const std::string& seen,
                    std::string advice) {
  return {Condition{std::move(kind), std::move(side), headline + ": " + seen, std::move(advice)}, headline};
}

std::optional<Explained> condition_for(Kind kind, const ProviderFacts& f, const Outcome& o) {
  const std::string seen = http_evidence(f);
  const std::string status = f.http_status ? "HTTP " + std::to_string(f.http_status) : std::string("an error event");
  switch (kind) {
    case Kind::RateLimit:
      return explained("rate_limit", "provider", "the provider rate-limited the call" + retry_after(o), seen,
                       "wait and retry; the limit belongs to the provider account (requests or tokens per minute)");
    case Kind::Quota:
      return explained("quota", "provider", "the provider account is out of credit or quota", seen,
                       "billing: retrying won't help; add credit or raise the quota with the provider "
                       "(the key itself was accepted)");
    case Kind::Overloaded:
      return explained("overloaded", "provider", "the provider is overloaded", seen,
                       "retry in a moment, with backoff; the provider is short of capacity, not misconfigured");
    case Kind::Outage:
      return explained("outage", "provider", "the provider failed with " + status, seen,
                       f.shape == BodyShape::Envelope
                           ? "retry later or check the provider's status page"
                           : "retry later; if it persists, check that the server behind " + host_or_provider(o) +
                                 " (or the proxy in front of it) is up");
    case Kind::ProviderTimeout:
      return explained("timeout", "provider", "the provider timed out", seen,
                       "retry; a long answer streams better than it waits (turn streaming on)");
    case Kind::RegionBlocked:
      return explained("region", "provider", "the provider refuses the relay's country or region", seen,
                       "run the relay where the provider is available");
    case Kind::ContextLength:
      return explained("context_length", "prompt", "the prompt is too long for the model's context window", seen,
                       "shorten the conversation or lower max tokens: prompt plus answer must fit the model's "
                       "context window");
    case Kind::UnsupportedParameter: {
      const std::string param = named_parameter(f);
      return explained("unsupported_parameter", "prompt",
                       param.empty() ? "the model refuses a parameter" : "the model refuses the parameter " + param,
                       seen, unsupported_parameter_advice(param));
    }
    case Kind::ContentFilter:
      return explained("content_filter", "prompt", "the provider's content filter blocked the request", seen,
                       "rephrase the prompt; the provider's content policy rejected it, the settings work");
    case Kind::RequestTooLarge:
      return explained("request_too_large", "prompt", "the request is too large for the provider", seen,
                       "send less: shorten the conversation or shrink the image");
    case Kind::PromptRejected:
      return explained("invalid_request", "prompt", "the provider rejected the request itself", seen,
                       "adjust the prompt or parameters as the provider's message says; the settings work");
    default: return std::nullopt;
  }
}

std::string sentence(std::string s) {
  while (!s.empty() && (s.back() == '.' || s.back() == ' ')) s.pop_back();
  return s + ".";
}

Cause fail_at(int step, std::string evidence, std::string advice, std::string summary) {
  Cause c;
  c.passed = step - 1;
  c.failed = step;
  c.evidence = std::move(evidence);
  c.advice = std::move(advice);
  c.summary = sentence(std::move(summary));
  return c;
}

// A condition that stopped the run after step `passed`: nothing failed, nothing after ran.
Cause stopped_after(int passed, Explained e, std::string stop_reason) {
  Cause c;
  c.passed = passed;
  c.summary = sentence("Not a settings problem: " + e.headline + "; " + e.cond.advice);
  c.stop_reason = std::move(stop_reason);
  c.conditions.push_back(std::move(e.cond));
  return c;
}

// A prompt-side condition: the settings all passed, the answer step failed.
Cause answer_refused(const ProviderFacts& f, Explained e) {
  Cause c =
      fail_at(kAnswer, http_evidence(f), e.cond.advice, "Not a settings problem: " + e.headline + "; " + e.cond.advice);
  c.pass_evidence[kModel] = "the provider got past the model name and refused the request itself";
  c.conditions.push_back(std::move(e.cond));
  return c;
}

Cause mid_stream_error(Kind kind, const ProviderFacts& f, const Outcome& o) {
  auto e = condition_for(kind, f, o);
  const std::string advice = e ? e->cond.advice
                               : "the provider failed in the middle of the answer: retry; if it repeats, its "
                                 "message says why";
  Cause c = fail_at(kAnswer, http_evidence(f), advice,
                    "The settings work, but the provider sent an error in the middle of the answer" +
                        (e ? " (" + e->headline + ")" : std::string()) + ": " + advice);
  if (e) c.conditions.push_back(std::move(e->cond));
  return c;
}

Cause explain_kind(Kind kind, const ProviderFacts& f, const Outcome& o) {
  if (f.mid_stream) return mid_stream_error(kind, f, o);
  const std::string seen = http_evidence(f);
  const bool envelope = f.shape == BodyShape::Envelope;
  switch (kind) {
    case Kind::RateLimit:
    case Kind::Quota:
      return stopped_after(kKey, *condition_for(kind, f, o), "the provider stopped the call after checking the key");
    case Kind::Overloaded:
    case Kind::Outage:
    case Kind::ProviderTimeout:
      return stopped_after(envelope ? kEndpoint : kReach, *condition_for(kind, f, o),
                           "the provider failed before checking the request");
    case Kind::RegionBlocked:
      return stopped_after(kEndpoint, *condition_for(kind, f, o), "the provider refused the relay's region first");
    case Kind::RequestTooLarge:
      return stopped_after(kEndpoint, *condition_for(kind, f, o), "the request was refused for its size first");
    case Kind::ContextLength:
    case Kind::UnsupportedParameter:
    case Kind::ContentFilter:
    case Kind::PromptRejected: return answer_refused(f, *condition_for(kind, f, o));

    case Kind::KeyRejected: {
      const std::string advice =
          "check the provider key's value: copied whole, not revoked, for the right account or project";
      return fail_at(kKey, seen, advice, "The key was rejected: " + advice);
    }
    case Kind::KeyOrEndpoint: {
      const std::string advice =
          "Azure rejected the key for this endpoint: check the key, and that the base URL is the endpoint of the "
          "resource the key belongs to";
      return fail_at(kKey, seen, advice, "The key was rejected, or the base URL is another resource: " + advice);
    }
    case Kind::KeyPermission: {
      const std::string advice =
          "the key is valid but lacks permission for this model or project: grant it access, or use a key that "
          "has it";
      return fail_at(kKey, seen, advice, "The key was refused: " + advice);
    }
    case Kind::ModelNotFound: {
      const std::string model = quoted_model(o, f.message);
      const std::string advice = model_advice(o, "the provider says model " + model + " does not exist for this key",
                                              "check the model name (Azure: the deployment name)");
      return fail_at(kModel, seen, advice, "The model name was not found: " + advice);
    }
    case Kind::DeploymentNotFound: {
      const std::string model = quoted_model(o, f.message);
      const std::string advice = model_advice(o, "Azure has no deployment named " + model + " on this resource",
                                              "use the deployment name (not the model name) as the model name; a new "
                                              "deployment takes a few minutes to appear");
      return fail_at(kModel, seen, advice, "The model name was not found: " + advice);
    }
    case Kind::EndpointPath: {
      const std::string advice = endpoint_advice(o, f.shape == BodyShape::Html);
      return fail_at(kEndpoint, seen, advice, "The base URL does not lead to an OpenAI-compatible API: " + advice);
    }
    case Kind::EndpointWebPage: {
      const std::string advice = contains_nocase(f.message, "sent to https port")
                                     ? "that port speaks HTTPS: use https:// in the base URL"
                                     : endpoint_advice(o, true);
      return fail_at(kEndpoint, seen, advice, "The base URL does not lead to an OpenAI-compatible API: " + advice);
    }
    case Kind::EndpointRedirect: {
      const std::string advice = "the base URL redirects: use the final API URL as the base URL";
      return fail_at(kEndpoint, seen, advice, "The base URL does not lead to an OpenAI-compatible API: " + advice);
    }
    case Kind::Other: break;
  }
  return stopped_after(envelope ? kEndpoint : kReach,
                       explained("provider_error", "provider", "the provider answered with an error", seen,
                                 "read the provider's message; this status does not point at a setting"),
                       "the provider answered with an error");
}

}  // namespace

Cause explain_provider_error(const ProviderFacts& f, const Outcome& o) {
  const Kind kind = classify(f);
  Cause c = explain_kind(kind, f, o);
  // A failed step's code is what the provider's error means (rules' Kind); "provider_error"
  // when no rule knew it.
  if (c.failed >= 0 && c.code.empty()) c.code = kind == Kind::Other ? "provider_error" : to_string(kind);
  return c;
}

}  // namespace pg::diag

// Internal to upstream.cpp: one chat plan per wire protocol. Each first predicts what the
// gateway does with the key (its outcome and URL, read from the gateway's bridges: see
// docs/gateway-parity.md), then decides whether the playground makes that call itself.
#pragma once

#include "core/upstream/upstream.h"

namespace pg::upstream_detail {

UpstreamPlan plan_openai(UpstreamPlan p, std::string_view provider, std::string_view api_base);
UpstreamPlan plan_anthropic(UpstreamPlan p, std::string_view provider, std::string_view api_base);
UpstreamPlan plan_azure(UpstreamPlan p, std::string_view api_base, std::string_view model_name);
UpstreamPlan plan_unsupported(UpstreamPlan p, std::string_view provider, std::string_view adapter);

}  // namespace pg::upstream_detail

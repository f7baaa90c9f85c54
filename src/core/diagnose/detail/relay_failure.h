// Internal to the diagnosis of the relay's own failures (relay.cpp; the reach step's kinds in
// relay_reach.cpp): the reason tables' shape and the pieces every explainer builds its Cause from.
#pragma once

#include "core/diagnose/detail/rules.h"

#include <cstddef>
#include <string>
#include <string_view>

namespace pg::diag::relay_detail {

// A reason code → T. A code ending in '*' is a family: every reason with that prefix.
template <typename T>
struct ReasonRow {
  const char* code;
  T value;
};

bool reason_is(std::string_view reason, std::string_view code);

// The first row for `reason` (exact codes are listed before their family), or `otherwise`.
template <typename T, std::size_t N>
T by_reason(const ReasonRow<T> (&table)[N], const std::string& reason, T otherwise) {
  for (const auto& row : table)
    if (!reason.empty() && reason_is(reason, row.code)) return row.value;
  return otherwise;
}

std::string sentence(std::string s);
std::string relay_evidence(const RelayFailure& r);
Cause fail_at(int step, const RelayFailure& r, std::string advice, const std::string& headline);
// The relay refused or could not start the call: no step was checked.
Cause relay_condition(const RelayFailure& r, std::string kind, std::string side, std::string headline,
                      std::string advice);
// Whether the relay connected to this machine: the class of the address it went to, which it
// sends with every failure after the lookup (`category`; the base URL's spelling is not read).
bool reached_loopback(const RelayFailure& r);

// --- reach (relay_reach.cpp) ----------------------------------------------------------------

std::string relay_phase(const RelayFailure& r);
bool model_deadline(const RelayFailure& r);
std::string model_deadline_advice(const RelayFailure& r);
Cause dns(const RelayFailure& r, const Outcome& o);
Cause refused(const RelayFailure& r, const Outcome& o);
Cause tls(const RelayFailure& r, const Outcome& o);
Cause timeout(const RelayFailure& r, const Outcome& o);
Cause blocked_address(const RelayFailure& r, const Outcome& o);
Cause reset(const RelayFailure& r, const Outcome& o);

}  // namespace pg::diag::relay_detail

#include "core/answer/detail/issue_log.h"

#include <string>

namespace pg {

IssueLog::Entry& IssueLog::entry_for(std::string_view kind, std::size_t keep) {
  for (Entry& entry : entries_)
    if (entry.kind == kind) return entry;
  entries_.push_back({kind, keep == 0 ? 1 : keep, 0, 0});
  return entries_.back();
}

void IssueLog::finish(Findings& findings) {
  for (const Entry& entry : entries_) {
    if (entry.count <= entry.keep) continue;
    if (entry.keep == 1) {
      if (entry.first < findings.size())
        findings[entry.first].message += " (in " + std::to_string(entry.count) + " chunks)";
    } else {
      // The summary has the code of the findings it counts: it is more of the same.
      const bool known = entry.first < findings.size();
      const Severity severity = known ? findings[entry.first].severity : Severity::Error;
      const FindingCode code = known ? findings[entry.first].code : FindingCode::NotJson;
      findings.push_back({severity, code, "",
                          "… and " + std::to_string(entry.count - entry.keep) + " more " + std::string(entry.kind)});
    }
  }
  entries_.clear();
}

}  // namespace pg

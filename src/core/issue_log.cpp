#include "core/issue_log.h"

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
      const Severity severity = entry.first < findings.size() ? findings[entry.first].severity : Severity::Error;
      findings.push_back({severity, "",
                          "… and " + std::to_string(entry.count - entry.keep) + " more " + std::string(entry.kind)});
    }
  }
  entries_.clear();
}

}  // namespace pg

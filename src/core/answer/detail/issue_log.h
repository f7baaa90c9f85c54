// Findings that can repeat once per chunk of a stream (a wrong `object`, a chunk that is
// not JSON, …). Only the first few of each kind are kept, with their paths; the rest are
// counted and the count is reported at the end, so a million bad chunks still yield a
// short, readable list and bounded memory.
#pragma once

#include "core/base/finding.h"

#include <cstddef>
#include <string_view>
#include <vector>

namespace pg {

class IssueLog {
 public:
  // Records one occurrence of the issue `kind` (a phrase naming what repeats, e.g.
  // "chunks that are not JSON"). The first `keep` occurrences become findings, built by
  // `make()` only then, so a repeated issue costs no string work.
  template <class MakeFinding>
  void note(Findings& findings, std::string_view kind, std::size_t keep, MakeFinding&& make) {
    Entry& entry = entry_for(kind, keep);
    if (entry.count++ < entry.keep) {
      if (entry.count == 1) entry.first = findings.size();
      findings.push_back(make());
    }
  }

  // Adds the counts: "(in N chunks)" to a kind kept once, or a summary finding
  // "… and N more <kind>" after a kind kept several times. Call once, at the end.
  void finish(Findings& findings);

 private:
  struct Entry {
    std::string_view kind;
    std::size_t keep;
    std::size_t count;
    std::size_t first;  // index of the first kept finding
  };
  Entry& entry_for(std::string_view kind, std::size_t keep);
  std::vector<Entry> entries_;  // one per kind; kinds are literals in the code, so few
};

}  // namespace pg

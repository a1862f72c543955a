#pragma once
// `baorestore validate FILE...`: the offline check of manifests before `kubectl apply`.
// Every document of every file gets one verdict line,
//   <file>#<n> <Kind> <namespace>/<name>: valid | invalid | skipped: <why>
// and an invalid one is followed by its problems, one per line, indented by two spaces.
// OpenBaoRestore documents get the controller's own checks (strict decoding plus
// validate_restore), so a restore that passes here passes admission in the controller too.

#include <iosfwd>
#include <string>
#include <vector>

#include "model/field_error.hpp"
#include "model/manifest.hpp"

namespace baorestore::cli {

enum class verdict_kind { valid, invalid, skipped };

/// The outcome for one document.
struct verdict {
  /// "<source> <Kind> <namespace>/<name>", or just the source when the head is unreadable.
  std::string label;
  verdict_kind kind = verdict_kind::valid;
  /// Why it is invalid (invalid), or why it was not checked (skipped).
  model::field_errors problems;
};

/// Checks one document. Pure: no I/O.
verdict check_document(const model::manifest_document& doc);

/// Reads every file ("-" is standard input), prints a verdict per document to `out`, and
/// reports unreadable files on `err` (the other files are still checked); a file without
/// documents gets the line "<file>: no documents". Returns exit_ok
/// when every document is valid or skipped, exit_usage when a file could not be read,
/// exit_invalid otherwise.
int run_validate(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err);

} // namespace baorestore::cli

#pragma once
// Reading manifests the way `kubectl apply -f` does: a file holds YAML documents separated by
// `---`, or JSON (one object, or several back to back); a `kind: List` document stands for its
// items. Each resulting document is compact JSON text for the codec's decoders (codec.hpp).
//
// Reading never throws and never trusts its input. A file's size, a document's nesting depth,
// its node count after YAML alias expansion (a "billion laughs" document is a few lines that
// expand to 10^9 nodes) and its text after expansion are capped; exceeding a cap, a syntax
// error (with its line and column) or a document that is not a mapping becomes the error of
// that document, while the documents before it are still returned.
//
// yaml-cpp itself is kept in bounds too: it may not queue more than a quarter million flow
// tokens without producing a node (detail/yaml_input.hpp), nor go round in circles without
// consuming input (a yaml-cpp 0.7 bug that a line starting with ',' triggers).
//
// YAML scalars follow the YAML 1.2 core schema (detail/yaml_scalar.hpp): quoted scalars are
// strings, plain ones may be null, booleans, integers or floats.

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace baorestore::model {

struct manifest_limits {
  /// Largest file accepted, in bytes.
  std::size_t max_bytes = 8 * 1024 * 1024;
  /// Deepest nesting of mappings and sequences in one document.
  std::size_t max_depth = 64;
  /// Most nodes (mapping keys included) in one document after alias expansion.
  std::size_t max_nodes = 1'000'000;
  /// Most bytes of scalar and key text in one document after alias expansion: one long
  /// anchored string aliased many times stays under max_nodes but not under this.
  std::size_t max_text_bytes = 32 * 1024 * 1024;
};

/// One document of a manifest file: its JSON, or why it cannot be used.
struct manifest_document {
  /// "file.yaml#2" for the second document; "file.yaml#2.items[0]" for the first item of a
  /// List; just "file.yaml" when the whole file is rejected (too large).
  std::string source;
  /// 1-based position of the document in the file, empty documents included (0 for the
  /// whole file), so that it matches what a person counts in the editor.
  std::size_t index = 0;
  /// Compact JSON text of one object; empty when `error` is set.
  std::string json;
  /// What is wrong, prefixed with "line L, column C: " where the position is known.
  std::string error;
  bool ok() const { return error.empty(); }
};

/// Every document of `text`, which `source_name` names in each document's `source`.
/// Empty documents (nothing but comments, or null) are skipped.
std::vector<manifest_document> read_manifests(std::string_view text,
                                              const std::string& source_name,
                                              const manifest_limits& limits = {});

/// A file read with read_manifests, or why it could not be read at all.
struct manifest_file {
  std::vector<manifest_document> documents;
  /// Set when the file cannot be read (missing, a directory, an I/O error); its documents
  /// are then empty. A file that is read but rejected has documents with errors instead.
  std::string error;
};

/// Reads at most limits.max_bytes + 1 bytes of `in`, so that a pipe or a device that never
/// ends cannot exhaust memory.
manifest_file read_manifest_stream(std::istream& in, const std::string& source_name,
                                   const manifest_limits& limits = {});

/// Reads the file at `path`, named by path.string() in the documents.
manifest_file read_manifest_file(const std::filesystem::path& path,
                                 const manifest_limits& limits = {});

} // namespace baorestore::model

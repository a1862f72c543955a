#include "devcluster/json_patch.hpp"

#include <boost/json.hpp>

namespace baorestore::devcluster {

namespace json = boost::json;

namespace {

struct failure {
  json_patch_errc code;
  std::string message;
};

/// Array index per RFC 6901: digits without a leading zero; nullopt otherwise.
std::optional<std::size_t> index_of(const std::string& token) {
  if (token.empty() || token.size() > 9 || (token.size() > 1 && token[0] == '0'))
    return std::nullopt;
  std::size_t n = 0;
  for (char c : token) {
    if (c < '0' || c > '9')
      return std::nullopt;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

/// The value a pointer names, or null when it does not resolve.
json::value* resolve(json::value& doc, const std::vector<std::string>& tokens) {
  json::value* cur = &doc;
  for (const auto& t : tokens) {
    if (auto* obj = cur->if_object()) {
      cur = obj->if_contains(t);
    } else if (auto* arr = cur->if_array()) {
      auto i = index_of(t);
      cur = i && *i < arr->size() ? &(*arr)[*i] : nullptr;
    } else {
      cur = nullptr;
    }
    if (!cur)
      return nullptr;
  }
  return cur;
}

std::string path_text(const std::vector<std::string>& tokens) {
  std::string out;
  for (const auto& t : tokens) {
    out += '/';
    for (char c : t)
      out += c == '~' ? std::string{"~0"} : c == '/' ? std::string{"~1"} : std::string(1, c);
  }
  return out;
}

std::optional<failure> fail(std::string msg) {
  return failure{json_patch_errc::failed, std::move(msg)};
}

/// Inserts `value` at `tokens` (the `add` of RFC 6902 §4.1).
std::optional<failure> add(json::value& doc, const std::vector<std::string>& tokens,
                           json::value value) {
  if (tokens.empty()) {
    doc = std::move(value);
    return std::nullopt;
  }
  std::vector<std::string> parent_path(tokens.begin(), tokens.end() - 1);
  auto* parent = resolve(doc, parent_path);
  if (!parent)
    return fail("add operation does not apply: doc is missing path: \"" + path_text(tokens)
                + "\"");
  const auto& last = tokens.back();
  if (auto* obj = parent->if_object()) {
    (*obj)[last] = std::move(value);
    return std::nullopt;
  }
  if (auto* arr = parent->if_array()) {
    auto i = last == "-" ? std::optional<std::size_t>{arr->size()} : index_of(last);
    if (!i || *i > arr->size())
      return fail("add operation does not apply: index out of bounds: \"" + path_text(tokens)
                  + "\"");
    arr->insert(arr->begin() + static_cast<std::ptrdiff_t>(*i), std::move(value));
    return std::nullopt;
  }
  return fail("add operation does not apply: doc is missing path: \"" + path_text(tokens)
              + "\"");
}

/// Removes the value at `tokens`, handing it back (for move).
std::optional<failure> remove(json::value& doc, const std::vector<std::string>& tokens,
                              json::value* taken = nullptr) {
  auto missing = [&] {
    return fail("remove operation does not apply: doc is missing path: \"" + path_text(tokens)
                + "\"");
  };
  if (tokens.empty())
    return missing(); // removing the whole document is not something an object can become
  std::vector<std::string> parent_path(tokens.begin(), tokens.end() - 1);
  auto* parent = resolve(doc, parent_path);
  if (!parent)
    return missing();
  if (auto* obj = parent->if_object()) {
    auto it = obj->find(tokens.back());
    if (it == obj->end())
      return missing();
    if (taken)
      *taken = std::move(it->value());
    obj->erase(it);
    return std::nullopt;
  }
  if (auto* arr = parent->if_array()) {
    auto i = index_of(tokens.back());
    if (!i || *i >= arr->size())
      return missing();
    if (taken)
      *taken = std::move((*arr)[*i]);
    arr->erase(arr->begin() + static_cast<std::ptrdiff_t>(*i));
    return std::nullopt;
  }
  return missing();
}

std::optional<failure> apply_one(json::value& doc, const json::object& op) {
  auto malformed = [](std::string msg) {
    return std::optional<failure>{failure{json_patch_errc::malformed, std::move(msg)}};
  };
  auto* name = op.if_contains("op");
  auto* path_v = op.if_contains("path");
  if (!name || !name->is_string())
    return malformed("missing or invalid \"op\" in a JSON patch operation");
  if (!path_v || !path_v->is_string())
    return malformed("missing or invalid \"path\" in JSON patch operation \""
                     + std::string{name->get_string()} + "\"");
  auto path = parse_json_pointer(path_v->get_string());
  if (!path)
    return malformed("invalid JSON pointer \"" + std::string{path_v->get_string()} + "\"");
  std::string_view kind = name->get_string();
  auto* value = op.if_contains("value");
  auto from = [&]() -> std::optional<std::vector<std::string>> {
    auto* f = op.if_contains("from");
    return f && f->is_string() ? parse_json_pointer(f->get_string()) : std::nullopt;
  };

  if (kind == "add" || kind == "replace" || kind == "test") {
    if (!value)
      return malformed("missing \"value\" in JSON patch operation \"" + std::string{kind} + "\"");
    if (kind == "add")
      return add(doc, *path, *value);
    auto* target = resolve(doc, *path);
    if (!target)
      return fail(std::string{kind} + " operation does not apply: doc is missing path: \""
                  + path_text(*path) + "\"");
    if (kind == "replace") {
      *target = *value;
      return std::nullopt;
    }
    if (*target != *value)
      return fail("testing value " + path_text(*path) + " failed: test failed");
    return std::nullopt;
  }
  if (kind == "remove")
    return remove(doc, *path);
  if (kind == "move" || kind == "copy") {
    auto src = from();
    if (!src)
      return malformed("missing or invalid \"from\" in JSON patch operation \""
                       + std::string{kind} + "\"");
    if (kind == "move") {
      // A location cannot move into one of its own children (RFC 6902 §4.4).
      if (path->size() > src->size() && std::equal(src->begin(), src->end(), path->begin()))
        return fail("move operation does not apply: \"" + path_text(*src)
                    + "\" is a prefix of \"" + path_text(*path) + "\"");
      json::value taken;
      if (auto err = remove(doc, *src, &taken))
        return fail("move operation does not apply: doc is missing from path: \""
                    + path_text(*src) + "\"");
      return add(doc, *path, std::move(taken));
    }
    auto* source = resolve(doc, *src);
    if (!source)
      return fail("copy operation does not apply: doc is missing from path: \""
                  + path_text(*src) + "\"");
    json::value copy = *source;
    return add(doc, *path, std::move(copy));
  }
  return malformed("unexpected JSON patch operation \"" + std::string{kind} + "\"");
}

} // namespace

std::optional<std::vector<std::string>> parse_json_pointer(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty())
    return out;
  if (text.front() != '/')
    return std::nullopt;
  text.remove_prefix(1);
  std::string token;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '/') {
      out.push_back(std::move(token));
      token.clear();
    } else if (text[i] == '~') {
      if (i + 1 >= text.size() || (text[i + 1] != '0' && text[i + 1] != '1'))
        return std::nullopt;
      token += text[++i] == '0' ? '~' : '/';
    } else {
      token += text[i];
    }
  }
  return out;
}

json_patch_outcome apply_json_patch(json::value& doc, const json::value& patch) {
  auto* ops = patch.if_array();
  if (!ops)
    return {json_patch_errc::malformed, "a JSON patch must be an array of operations"};
  // Work on a copy so that a failing operation leaves nothing half-applied.
  json::value work = doc;
  for (const auto& op : *ops) {
    if (!op.is_object())
      return {json_patch_errc::malformed, "a JSON patch operation must be an object"};
    if (auto err = apply_one(work, op.get_object()))
      return {err->code, std::move(err->message)};
  }
  doc = std::move(work);
  return {};
}

} // namespace baorestore::devcluster

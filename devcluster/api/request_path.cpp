#include "devcluster/api/request_path.hpp"

#include <vector>

#include "model/text.hpp"

namespace baorestore::devcluster::api {

namespace {

std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    auto j = path.find('/', i);
    if (j == std::string_view::npos)
      j = path.size();
    if (j > i)
      out.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

} // namespace

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '+') {
      out += ' ';
    } else if (text[i] == '%' && i + 2 < text.size() && model::hex_digit_value(text[i + 1]) >= 0
               && model::hex_digit_value(text[i + 2]) >= 0) {
      out += static_cast<char>(model::hex_digit_value(text[i + 1]) * 16
                               + model::hex_digit_value(text[i + 2]));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

target split_target(std::string_view raw) {
  target t;
  auto q = raw.find('?');
  t.path = percent_decode(raw.substr(0, q));
  if (q == std::string_view::npos)
    return t;
  auto rest = raw.substr(q + 1);
  while (!rest.empty()) {
    auto amp = rest.find('&');
    auto pair = rest.substr(0, amp);
    auto eq = pair.find('=');
    if (!pair.empty())
      t.params.params[percent_decode(pair.substr(0, eq))] =
        eq == std::string_view::npos ? std::string{} : percent_decode(pair.substr(eq + 1));
    if (amp == std::string_view::npos)
      break;
    rest = rest.substr(amp + 1);
  }
  return t;
}

std::optional<resource_path> parse_resource_path(std::string_view path) {
  auto s = segments(path);
  resource_path r;
  std::size_t i = 0;
  if (s.size() >= 3 && s[0] == "api" && s[1] == "v1") {
    r.version = "v1";
    i = 2;
  } else if (s.size() >= 4 && s[0] == "apis") {
    r.group = s[1];
    r.version = s[2];
    i = 3;
  } else {
    return std::nullopt;
  }
  // namespaces/<ns>/<plural>/...: a namespaced resource. namespaces/<name> and
  // namespaces/<name>/status|finalize: the Namespace itself.
  if (s[i] == "namespaces" && s.size() - i >= 3 && s[i + 2] != "status"
      && s[i + 2] != "finalize") {
    r.ns = s[i + 1];
    i += 2;
  }
  auto left = s.size() - i;
  if (left < 1 || left > 3)
    return std::nullopt;
  r.plural = s[i];
  if (left >= 2)
    r.name = s[i + 1];
  if (left == 3)
    r.subresource = s[i + 2];
  return r;
}

} // namespace baorestore::devcluster::api

// core/v1 Secret.

#include <boost/json.hpp>

#include "model/base64.hpp"
#include "model/codec.hpp"
#include "model/detail/codec_parts.hpp"
#include "model/detail/json_writer.hpp"

namespace baorestore::model {

using namespace detail;

decoded<secret> decode_secret(std::string_view json, const decode_options& opts) {
  return decode_document<secret>(json, opts, [](object_reader& r, secret& x) {
    check_type(r, "v1", "Secret");
    r.object("metadata", presence::optional, [&](object_reader& m) { fill(m, x.metadata); });
    r.read("type", x.type);
    std::map<std::string, std::string> encoded;
    r.read("data", encoded);
    for (auto& [key, value] : encoded) {
      // The value is secret: the error names the key, never the content.
      if (auto bytes = base64_decode(value))
        x.data[key] = std::move(*bytes);
      else
        r.error("data", "[" + key + "]: value is not valid base64");
    }
    // stringData is write-only on the server; manifests use it, so merge it like the server.
    std::map<std::string, std::string> plain;
    r.read("stringData", plain);
    for (auto& [key, value] : plain)
      x.data[key] = std::move(value);
  });
}

boost::json::value encode(const secret& x) {
  auto o = type_header("v1", "Secret");
  o["metadata"] = encode(x.metadata);
  put_string(o, "type", x.type);
  if (!x.data.empty()) {
    boost::json::object data;
    for (const auto& [key, value] : x.data)
      data[key] = base64_encode(value);
    o["data"] = std::move(data);
  }
  return o;
}

} // namespace baorestore::model

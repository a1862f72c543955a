// metav1.Status, the body of API errors.

#include <boost/json.hpp>

#include "model/codec.hpp"
#include "model/detail/codec_parts.hpp"
#include "model/detail/json_writer.hpp"

namespace baorestore::model {

using namespace detail;

decoded<api_status> decode_api_status(std::string_view json, const decode_options& opts) {
  return decode_document<api_status>(json, opts, [](object_reader& r, api_status& x) {
    check_type(r, "v1", "Status");
    r.read("status", x.status);
    r.read("message", x.message);
    r.read("reason", x.reason);
    r.read("code", x.code);
    r.object("details", presence::optional, [&](object_reader& d) {
      auto& v = x.details;
      d.read("name", v.name);
      d.read("group", v.group);
      d.read("kind", v.kind);
      d.read("uid", v.uid);
      d.objects("causes", v.causes, [](object_reader& c, status_cause& cause) {
        c.read("reason", cause.reason);
        c.read("message", cause.message);
        c.read("field", cause.field);
      });
      d.read("retryAfterSeconds", v.retry_after_seconds);
    });
  });
}

boost::json::value encode(const api_status& x) {
  auto o = type_header("v1", "Status");
  o["metadata"] = boost::json::object{};
  put_string(o, "status", x.status);
  put_string(o, "message", x.message);
  put_string(o, "reason", x.reason);
  boost::json::object d;
  put_string(d, "name", x.details.name);
  put_string(d, "group", x.details.group);
  put_string(d, "kind", x.details.kind);
  put_string(d, "uid", x.details.uid);
  put_list(d, "causes", x.details.causes, [](const status_cause& c) {
    boost::json::object v;
    put_string(v, "reason", c.reason);
    put_string(v, "message", c.message);
    put_string(v, "field", c.field);
    return v;
  });
  put_int(d, "retryAfterSeconds", x.details.retry_after_seconds);
  put_object(o, "details", std::move(d));
  put_int(o, "code", x.code);
  return o;
}

} // namespace baorestore::model

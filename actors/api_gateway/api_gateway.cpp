#include "actors/api_gateway/api_gateway.hpp"

#include "caf/all.hpp"

namespace baorestore::gateway {

std::string to_string(api_errc e) {
  switch (e) {
    case api_errc::not_found:
      return "not_found";
    case api_errc::conflict:
      return "conflict";
    case api_errc::already_exists:
      return "already_exists";
    case api_errc::invalid:
      return "invalid";
    case api_errc::gone:
      return "gone";
    case api_errc::forbidden:
      return "forbidden";
    case api_errc::unauthorized:
      return "unauthorized";
    case api_errc::too_many_requests:
      return "too_many_requests";
    case api_errc::server_error:
      return "server_error";
    case api_errc::transport:
      return "transport";
    case api_errc::bad_response:
      return "bad_response";
    case api_errc::bad_request:
      return "bad_request";
  }
  return "api_errc(" + std::to_string(static_cast<int>(e)) + ")";
}

caf::error make_api_error(api_errc code, std::string message) {
  return caf::make_error(code, std::move(message));
}

std::string api_error_message(const caf::error& e) {
  if (!e)
    return {};
  if (e.category() != caf::detail::error_factory<api_errc>::category)
    return caf::to_string(e);
  const auto& ctx = e.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  return to_string(static_cast<api_errc>(e.code()));
}

} // namespace baorestore::gateway

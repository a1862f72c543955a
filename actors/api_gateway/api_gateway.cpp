#include "actors/api_gateway/api_gateway.hpp"

#include "caf/all.hpp"

namespace baorestore::gateway {

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

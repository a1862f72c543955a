#include "lock_service/lock_server.hpp"

#include "caf/all.hpp"

#include "lock_service/registry_bridge.hpp"
#include "lock_service/replies.hpp"
#include "lock_service/token_file.hpp"
#include "net/http_server.hpp"

namespace baorestore::lock_service {

struct lock_server::impl {
  std::shared_ptr<token_file> tokens;
  registry_bridge bridge;
  std::shared_ptr<service> handling;
  std::unique_ptr<net::http_server> server;
  bool stopped = false;
};

namespace {

net::server_options server_options_of(const lock_server_options& o) {
  net::server_options so;
  so.address = o.address;
  so.port = o.port;
  so.max_body_bytes = o.service.max_body_bytes;
  so.max_header_bytes = 16u << 10;
  so.idle_timeout = std::chrono::seconds{60};
  so.tls_from_files = net::tls_files{o.cert_file, o.key_file, std::chrono::seconds{1}};
  so.log = o.log; // certificate reloads and handler failures go to the operator's log
  so.too_large_reply = error_response(
    http_error{413, "payload_too_large",
               "the body is larger than " + std::to_string(o.service.max_body_bytes) + " bytes",
               {}});
  return so;
}

} // namespace

lock_server::lock_server(caf::actor_system& sys, cluster_lock::lock_registry_actor registry,
                         lock_server_options opts)
  : impl_(std::make_unique<impl>()) {
  impl_->tokens = std::make_shared<token_file>(opts.tokens_file, opts.log);
  hold_options holds;
  holds.timeout = opts.hold_timeout;
  holds.log = opts.log;
  holds.gateway = opts.gateway;
  holds.namespaces = opts.namespaces;
  impl_->bridge = spawn_registry_bridge(sys, std::move(registry), std::chrono::seconds{10},
                                        std::move(holds));
  auto tokens = impl_->tokens;
  impl_->handling = std::make_shared<service>(
    opts.service, [tokens] { return tokens->current(); }, impl_->bridge.forward);
  try {
    impl_->server = std::make_unique<net::http_server>(
      server_options_of(opts),
      [h = impl_->handling](const net::request& req, net::reply_function reply) {
        h->handle(req, std::move(reply));
      });
  } catch (...) {
    caf::anon_send_exit(impl_->bridge.actor, caf::exit_reason::user_shutdown);
    throw;
  }
  impl_->server->start();
}

lock_server::~lock_server() {
  stop();
}

std::uint16_t lock_server::port() const {
  return impl_->server->port();
}

void lock_server::stop() {
  if (impl_->stopped)
    return;
  impl_->stopped = true;
  impl_->server->stop();
  caf::anon_send_exit(impl_->bridge.actor, caf::exit_reason::user_shutdown);
}

} // namespace baorestore::lock_service

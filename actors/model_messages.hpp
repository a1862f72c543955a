#pragma once
// The model's value types as CAF message content. They stay free of CAF (no `inspect`), so
// CAF 0.17 must be told to accept them: whitelisted types may travel in local messages only,
// which is all baorestore does (one process; the gateway is the only way out). Whitelist a
// model type here, once, and nowhere else: a second specialization would not compile.

#include <type_traits>

#include "caf/allowed_unsafe_message_type.hpp"

#include "model/event.hpp"
#include "model/job.hpp"
#include "model/lease.hpp"
#include "model/object_meta.hpp"
#include "model/openbao_cluster.hpp"
#include "model/openbao_restore.hpp"
#include "model/secret.hpp"
#include "model/service_account.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::model::openbao_cluster)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::model::openbao_restore)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::model::job)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::model::secret)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::model::event)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::model::service_account)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(baorestore::model::lease)

namespace caf {

template <class T>
struct allowed_unsafe_message_type<baorestore::model::object_list<T>> : std::true_type {};

} // namespace caf

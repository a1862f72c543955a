// Text form of every encodable value.

#include <boost/json.hpp>

#include "model/codec.hpp"

namespace baorestore::model {

template <class T>
std::string to_json(const T& x) {
  return boost::json::serialize(encode(x));
}

template std::string to_json(const openbao_restore&);
template std::string to_json(const openbao_cluster&);
template std::string to_json(const job&);
template std::string to_json(const secret&);
template std::string to_json(const event&);
template std::string to_json(const service_account&);
template std::string to_json(const lease&);
template std::string to_json(const api_status&);
template std::string to_json(const operation_lock&);
template std::string to_json(const object_meta&);

} // namespace baorestore::model

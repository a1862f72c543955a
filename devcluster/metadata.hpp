#pragma once
// Reading and writing the metadata of objects held as JSON documents: the handful of
// fields the store itself manages or acts on (uid, resourceVersion, generation,
// deletionTimestamp, finalizers, ownerReferences). Pure functions over boost::json.

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

namespace baorestore::devcluster {

/// The metadata object, created when missing (or when not an object).
boost::json::object& metadata_of(boost::json::object& obj);

/// A metadata string field, "" when absent or not a string.
std::string_view meta_string(const boost::json::object& obj, std::string_view field);

/// metadata.generation, 0 when absent.
std::int64_t generation_of(const boost::json::object& obj);

bool is_terminating(const boost::json::object& obj); // has a deletionTimestamp

std::vector<std::string> finalizers_of(const boost::json::object& obj);
/// Sets metadata.finalizers; an empty list removes the field, as the API server shows it.
void set_finalizers(boost::json::object& obj, const std::vector<std::string>& finalizers);

/// The uids in metadata.ownerReferences.
std::vector<std::string> owner_uids(const boost::json::object& obj);
/// Removes the ownerReferences to `uid` (the field too when none remain); true if any was.
bool drop_owner(boost::json::object& obj, std::string_view uid);

/// Copies the fields no client write may change (uid, creationTimestamp, generation,
/// resourceVersion, deletionTimestamp, deletionGracePeriodSeconds) from `from` onto `to`,
/// removing them from `to` where `from` has none.
void keep_server_fields(boost::json::object& to, const boost::json::object& from);

/// A random (version 4) UUID such as "3f1c6a2e-8d0b-4e4f-9a51-0c2d7e9b1a44".
std::string random_uid(std::mt19937_64& rng);

/// The five-character suffix generateName adds, from the API server's alphabet.
std::string name_suffix(std::mt19937_64& rng);

} // namespace baorestore::devcluster

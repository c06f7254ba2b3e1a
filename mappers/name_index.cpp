#include "mappers/plan.hpp"

namespace custbridge::mappers::detail {

namespace {

std::uint32_t fnv1a(const char* s, std::size_t n) {
  std::uint32_t h = 2166136261u;
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(s[i]);
    h *= 16777619u;
  }
  return h;
}

}  // namespace

void name_index::add(std::string name, int value) {
  const auto h = fnv1a(name.data(), name.size());
  entries_.push_back(entry{std::move(name), h, value});
}

void name_index::build() {
  std::size_t size = 4;
  while (size < entries_.size() * 2) size *= 2;
  table_.assign(size, -1);
  mask_ = static_cast<std::uint32_t>(size - 1);
  for (std::size_t e = 0; e < entries_.size(); ++e) {
    auto pos = entries_[e].hash & mask_;
    while (table_[pos] != -1) pos = (pos + 1) & mask_;
    table_[pos] = static_cast<int>(e);
  }
}

int name_index::find(const char* s, std::size_t n) const {
  if (table_.empty()) return -1;
  const auto h = fnv1a(s, n);
  for (auto pos = h & mask_;; pos = (pos + 1) & mask_) {
    const int e = table_[pos];
    if (e < 0) return -1;
    const auto& en = entries_[static_cast<std::size_t>(e)];
    if (en.hash == h && en.name.size() == n && en.name.compare(0, n, s, n) == 0) return en.value;
  }
}

}  // namespace custbridge::mappers::detail

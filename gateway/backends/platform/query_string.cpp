#include "gateway/backends/platform/query_string.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/grammar/lut_chars.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

namespace custbridge::backends {
namespace {

constexpr auto name_chars = boost::urls::unreserved_chars + ':';

}  // namespace

std::string encode_query(const query_params& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out += '&';
    out += boost::urls::encode(name, name_chars);
    out += '=';
    out += boost::urls::encode(value, boost::urls::unreserved_chars);
  }
  return out;
}

std::string with_query(std::string_view path, const query_params& params) {
  std::string out(path);
  if (params.empty()) return out;
  out += path.find('?') == std::string_view::npos ? '?' : '&';
  out += encode_query(params);
  return out;
}

}  // namespace custbridge::backends

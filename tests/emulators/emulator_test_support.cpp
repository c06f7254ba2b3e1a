#include "tests/emulators/emulator_test_support.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace custbridge::emulators::testing {

http::request make_request(std::string method, std::string target, http::header_list headers, std::string body) {
  http::request r;
  r.method = std::move(method);
  r.target = std::move(target);
  r.headers = std::move(headers);
  r.body = std::move(body);
  r.remote_address = "127.0.0.1";
  return r;
}

namespace {

template <class F>
http::response run(F make_awaitable) {
  boost::asio::io_context ioc;
  http::response out;
  std::exception_ptr failure;
  boost::asio::co_spawn(ioc, make_awaitable(), [&](std::exception_ptr e, http::response r) {
    failure = e;
    out = std::move(r);
  });
  ioc.run();
  if (failure) std::rethrow_exception(failure);
  return out;
}

}  // namespace

http::response call(platform& p, http::request req) {
  return run([&] { return p.handle(std::move(req), std::chrono::milliseconds(0)); });
}

http::response call(std::shared_ptr<frontend> fe, http::request req) {
  return run([&] { return serve(fe, std::move(req)); });
}

rapidjson::Document parse_body(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str(), body.size());
  if (d.HasParseError()) {
    ADD_FAILURE() << "not JSON: " << body.substr(0, 200);
    d.SetObject();
  }
  return d;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace custbridge::emulators::testing

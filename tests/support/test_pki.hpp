#pragma once

#include <filesystem>
#include <string>

namespace custbridge::testing {

// A throw-away PKI generated at test time with the OpenSSL C API, written as PEM files
// into a fresh temporary directory that is removed on destruction. Nothing here is
// ever committed. Throws std::runtime_error if OpenSSL fails.
class test_pki {
 public:
  test_pki();
  ~test_pki();
  test_pki(const test_pki&) = delete;
  test_pki& operator=(const test_pki&) = delete;

  // The test CA's certificate: configure it as the client's CA file.
  std::string ca_file() const { return (dir_ / "ca.pem").string(); }
  // A server certificate signed by the CA for 127.0.0.1 and localhost, and its key.
  std::string server_cert() const { return (dir_ / "server.pem").string(); }
  std::string server_key() const { return (dir_ / "server.key").string(); }
  // Signed by the same CA, but for the name wrong.example only.
  std::string wrong_name_cert() const { return (dir_ / "wrong-name.pem").string(); }
  std::string wrong_name_key() const { return (dir_ / "wrong-name.key").string(); }
  // Valid for 127.0.0.1, but self-signed: no CA vouches for it.
  std::string self_signed_cert() const { return (dir_ / "self-signed.pem").string(); }
  std::string self_signed_key() const { return (dir_ / "self-signed.key").string(); }

 private:
  std::filesystem::path dir_;
};

}  // namespace custbridge::testing

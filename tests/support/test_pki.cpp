#include "tests/support/test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdlib.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace custbridge::testing {
namespace {

using key_ptr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;
using cert_ptr = std::unique_ptr<X509, decltype(&X509_free)>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test PKI: ") + what + " failed");
}

key_ptr make_key() {
  key_ptr k(EVP_EC_gen("P-256"), EVP_PKEY_free);
  check(k != nullptr, "EC key generation");
  return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "certificate extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Signs a certificate for `key` with issuer_key; a null issuer means self-signed.
cert_ptr make_cert(EVP_PKEY* key, const char* common_name, const char* san, bool ca, X509* issuer, EVP_PKEY* issuer_key, long serial) {
  cert_ptr cert(X509_new(), X509_free);
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(common_name), -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (ca) {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
    add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth");
  }
  add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (san) add_ext(cert.get(), signer, NID_subject_alt_name, san);
  check(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

void write_cert(const std::filesystem::path& p, X509* cert) {
  FILE* f = std::fopen(p.c_str(), "w");
  check(f != nullptr, "opening a certificate file");
  const bool ok = PEM_write_X509(f, cert) == 1;
  std::fclose(f);
  check(ok, "writing a certificate");
}

void write_key(const std::filesystem::path& p, EVP_PKEY* key) {
  FILE* f = std::fopen(p.c_str(), "w");
  check(f != nullptr, "opening a key file");
  const bool ok = PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  std::fclose(f);
  check(ok, "writing a key");
}

}  // namespace

test_pki::test_pki() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "cb-upstream-pki-XXXXXX").string();
  check(::mkdtemp(tmpl.data()) != nullptr, "mkdtemp");
  dir_ = tmpl;

  auto ca_key = make_key();
  auto ca = make_cert(ca_key.get(), "custbridge test CA", nullptr, true, nullptr, nullptr, 1);
  write_cert(dir_ / "ca.pem", ca.get());

  auto server_key = make_key();
  auto server = make_cert(server_key.get(), "127.0.0.1", "IP:127.0.0.1,DNS:localhost", false, ca.get(), ca_key.get(), 2);
  write_cert(dir_ / "server.pem", server.get());
  write_key(dir_ / "server.key", server_key.get());

  auto wrong_key = make_key();
  auto wrong = make_cert(wrong_key.get(), "wrong.example", "DNS:wrong.example", false, ca.get(), ca_key.get(), 3);
  write_cert(dir_ / "wrong-name.pem", wrong.get());
  write_key(dir_ / "wrong-name.key", wrong_key.get());

  auto self_key = make_key();
  auto self = make_cert(self_key.get(), "127.0.0.1", "IP:127.0.0.1,DNS:localhost", false, nullptr, nullptr, 4);
  write_cert(dir_ / "self-signed.pem", self.get());
  write_key(dir_ / "self-signed.key", self_key.get());
}

test_pki::~test_pki() {
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace custbridge::testing

#pragma once

#include <string>
#include <vector>

namespace index_optimizer::testing {

// A throwaway certificate authority and one server certificate it signed, made in memory with
// OpenSSL (EC P-256, valid from an hour ago for a day), for TLS tests. PEM text throughout.
struct test_certificates {
  std::string ca_pem;           // the CA certificate: what a client trusts
  std::string chain_pem;        // server certificate followed by the CA certificate
  std::string private_key_pem;  // the server certificate's key
};

// `subject_alt_names` in OpenSSL's syntax: {"DNS:localhost", "IP:127.0.0.1"}. Throws
// std::runtime_error when OpenSSL fails.
test_certificates make_test_certificates(const std::vector<std::string>& subject_alt_names);

}  // namespace index_optimizer::testing

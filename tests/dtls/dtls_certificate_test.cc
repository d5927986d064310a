// Tests of DtlsCertificate: key type, validity, fingerprint format.
#include "dtls/dtls_certificate.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <regex>
#include <string>

#include "gtest/gtest.h"

namespace konfero::dtls {
namespace {

TEST(DtlsCertificateTest, GeneratesSelfSignedEcdsaP256) {
  auto cert = DtlsCertificate::Generate(absl::Now());
  ASSERT_TRUE(cert.ok()) << cert.status();
  X509* x509 = (*cert)->x509();
  EXPECT_EQ(EVP_PKEY_get_base_id((*cert)->private_key()), EVP_PKEY_EC);
  EXPECT_EQ(EVP_PKEY_get_bits((*cert)->private_key()), 256);
  EXPECT_EQ(X509_verify(x509, (*cert)->private_key()), 1);  // self-signed
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(x509), X509_get_issuer_name(x509)), 0);
  EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(x509)), 0);
  EXPECT_GT(X509_cmp_current_time(X509_get0_notAfter(x509)), 0);
}

TEST(DtlsCertificateTest, FingerprintIsUppercaseSha256Pairs) {
  auto cert = DtlsCertificate::Generate(absl::Now());
  ASSERT_TRUE(cert.ok());
  const std::string& fp = (*cert)->fingerprint_sha256();
  EXPECT_TRUE(std::regex_match(fp, std::regex("([0-9A-F]{2}:){31}[0-9A-F]{2}"))) << fp;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  ASSERT_EQ(X509_digest((*cert)->x509(), EVP_sha256(), digest, &size), 1);
  EXPECT_EQ(fp, FormatFingerprint(digest, size));
}

TEST(DtlsCertificateTest, EachCertificateIsDifferent) {
  auto a = DtlsCertificate::Generate(absl::Now());
  auto b = DtlsCertificate::Generate(absl::Now());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE((*a)->fingerprint_sha256(), (*b)->fingerprint_sha256());
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber((*a)->x509()),
                             X509_get0_serialNumber((*b)->x509())),
            0);
}

TEST(DtlsCertificateTest, FormatsFingerprint) {
  const unsigned char digest[] = {0xab, 0x01, 0xff};
  EXPECT_EQ(FormatFingerprint(digest, 3), "AB:01:FF");
}

}  // namespace
}  // namespace konfero::dtls
